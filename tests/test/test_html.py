"""parse_html against Django's: the same snippets are equal, unequal and counted alike."""

import pytest
from django.test.html import parse_html as django_parse_html

from microdj.test.html import Element, HTMLParseError, RootElement, parse_html

PAIRS = [
    ("<p>Hello</p>", "<p>Hello</p>"),
    ("<p>Hello</p>", "<p> Hello </p>"),
    ("<p>Hello  world</p>", "<p>Hello\n\tworld</p>"),
    ('<a href="/x" class="b a">x</a>', '<a class="a b" href="/x">x</a>'),
    ("<input checked>", '<input checked="checked">'),
    ("<input checked>", '<input checked="">'),
    ("<input disabled>", "<input>"),
    ('<input value="">', "<input value>"),
    ("<p>a</p><p>b</p>", "<p>a</p>\n<p>b</p>"),
    ("<p>a</p><p>b</p>", "<p>b</p><p>a</p>"),
    ("<div><span>x</span></div>", "<div>\n  <span>x</span>\n</div>"),
    ("<p>x<br>y</p>", "<p>x<br/>y</p>"),
    ("<p>x &amp; y</p>", "<p>x &#38; y</p>"),
    ("<ul><li>1<li>2</ul>", "<ul><li>1</li><li>2</li></ul>"),
    ("text", " text "),
    ("<b>x</b>", "<i>x</i>"),
    ('<a title="1">x</a>', '<a title="2">x</a>'),
    ("<p>a <b>b</b> c</p>", "<p>a<b>b</b>c</p>"),
]


@pytest.mark.parametrize(("first", "second"), PAIRS)
def test_equality_as_django(first, second):
    theirs = django_parse_html(first) == django_parse_html(second)
    assert (parse_html(first) == parse_html(second)) == theirs


COUNTS = [
    ("<p>x</p>", "<div><p>x</p><p>x</p></div>"),
    ("<p>x</p>", "<p>x</p>"),
    ("<b>x</b>", "<p><b>x</b> and <i><b>x</b></i></p>"),
    ("<a></a><b></b>", "<div><a></a><b></b><c></c></div>"),
    ("<p>y</p>", "<p>x</p>"),
    ("<p>x</p><p>y</p>", "<p>x</p><p>y</p>"),
]


@pytest.mark.parametrize(("needle", "haystack"), COUNTS)
def test_counts_as_django(needle, haystack):
    assert parse_html(haystack).count(parse_html(needle)) == django_parse_html(haystack).count(
        django_parse_html(needle)
    )


def test_tree_shape_and_rendering():
    tree = parse_html('<div id="a"><p class="z y">x<br>y</p><img src="i"></div>')
    assert isinstance(tree, Element) and tree.name == "div"
    assert str(tree) == '<div id="a"><p class="y z">x<br>y</p><img src="i"></div>'
    assert repr(tree[0]) == '<p class="y z">x<br>y</p>'
    assert parse_html("<br>") in tree and "x" in tree and parse_html("<b>q</b>") not in tree
    # Text is counted where it occurs in text (Django counts a lone text needle differently).
    assert parse_html("<p>x x</p><p>x</p>").count("x") == 3
    root = parse_html("<p>a</p><p>b</p>")
    assert isinstance(root, RootElement) and str(root) == "<p>a</p><p>b</p>"
    assert parse_html("<input disabled>").attributes == [("disabled", None)]
    assert str(parse_html("<input disabled>")) == "<input disabled>"
    assert (parse_html("<p>x</p>") == "x") is False
    with pytest.raises(TypeError):
        hash(tree)


def test_a_stray_end_tag_is_an_error():
    with pytest.raises(HTMLParseError, match="Unexpected end tag </div>"):
        parse_html("<p>x</p></div>")


def test_text_split_by_comments_is_merged_and_void_end_tags_ignored():
    assert parse_html("<p>a<!-- note -->b</p>") == parse_html("<p>ab</p>")
    assert parse_html("<p>x<br></br>y</p>") == parse_html("<p>x<br>y</p>")
    root = RootElement()
    root.append(parse_html("<b>x</b>"))
    assert parse_html("<p><b>x</b></p>").count(root) == 1
