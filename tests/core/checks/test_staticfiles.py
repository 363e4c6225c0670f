"""STATICFILES_DIRS checks, with Django's ids."""

from microdj.core.checks.staticfiles import check_staticfiles_dirs


def test_folders(override, tmp_path):
    (tmp_path / "static").mkdir()
    override(STATICFILES_DIRS=[str(tmp_path / "static"), ("vendor", tmp_path / "static")], STATIC_ROOT=None)
    assert check_staticfiles_dirs() == []
    override(STATICFILES_DIRS=[str(tmp_path / "missing")])
    (message,) = check_staticfiles_dirs()
    assert (
        message.id == "staticfiles.W004"
        and "missing' in the STATICFILES_DIRS setting does not exist" in message.msg
    )
    override(STATICFILES_DIRS=[str(tmp_path / "static")], STATIC_ROOT=str(tmp_path / "static"))
    assert [m.id for m in check_staticfiles_dirs()] == ["staticfiles.E002"]


def test_must_be_a_list(override):
    override(STATICFILES_DIRS="static")
    assert [m.id for m in check_staticfiles_dirs()] == ["staticfiles.E001"]
