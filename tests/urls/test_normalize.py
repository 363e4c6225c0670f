"""normalize() gives the reverse templates Django's regex_helper.normalize() gives."""

import pytest
from django.utils.regex_helper import normalize as django_normalize

from microdj.urls._normalize import normalize

PATTERNS = [
    "",
    "^",
    "^$",
    "^/",
    r"^a/(?P<x>\d+)/$",
    r"^a/(\d+)/(\d+)/$",
    r"^opt/(?:page-(?P<n>\d+)/)?$",
    r"^opt/(?:x)?y$",
    r"^r/(?:ab)+c$",
    r"^q/a*b+c?d{2}e{2,3}?f{0,}g+?$",
    r"^g/(?P<x>a)*$",
    r"^g/(?P<x>a){2}$",
    r"^c/[abc][^x]\[[\]x]$",
    r"^e/\d\D\s\S\w\W\.\/\A\b\B\Z$",
    r"^l/(?=x)(?!y)(?<=z)(?<!w)v$",
    r"^dot/.$",
    r"^alt/(a|b)/$",
    r"^alt/a|b$",
    r"^stop/$more",
    r"^nest/(?:a(?:b(?P<x>c))?)?d$",
    r"^nest/(?:a$b)c",
    r"^open/(?:ab",
    r"^open/(?P<x>ab",
    r"^open/(",
    r"^open/(?",
    r"^open/(?P",
    r"^open/[",
    r"^open/a{",
    r"^group/((a)(b))(c)$",
    r"^group/()x$",
    r"^back/(?P<x>a)(?P=x)$",
    r"^pct/100%/(?P<x>a)$",
    r"^empty/(?P<x>)$",
    r"^paren/\(x\)$",
    r"^(?P<a>[^/]+)/(?P<b>[^/]+)/\Z",
    r"*a",
    r"^close)x",
]


@pytest.mark.parametrize("pattern", PATTERNS)
def test_normalize_matches_django(pattern):
    if pattern == r"^pct/100%/(?P<x>a)$":
        # Django leaves a literal '%' unescaped in the template; we double it so '%' formatting works.
        assert normalize(pattern) == [("pct/100%%/%(x)s", ["x"])]
        return
    if pattern in (r"*a", r"^close)x"):
        # Invalid regexes Django crashes on (IndexError); never reached for compiled patterns.
        assert normalize(pattern) in ([("a", [])], [("close)x", [])])
        return
    assert normalize(pattern) == django_normalize(pattern)


@pytest.mark.parametrize(("pattern", "portion"), [(r"^(?i)x$", "(?i"), (r"^(?Px)$", "(?Px")])
def test_unreversible_portions_raise_value_error(pattern, portion):
    with pytest.raises(ValueError, match=portion.replace("(", r"\(").replace("?", r"\?")):
        normalize(pattern)
    with pytest.raises(ValueError):
        django_normalize(pattern)
