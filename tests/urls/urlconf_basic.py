"""A small URLconf: static, dynamic, regex and included routes."""

from microdj.urls import include, path, re_path
from tests.urls import views

blog_patterns = [
    path("", views.index, name="blog-index"),
    path("<int:year>/", views.detail, name="blog-year"),
    path("<int:year>/<slug:slug>/", views.detail, name="post-detail"),
]

urlpatterns = [
    path("", views.index, name="index"),
    path("about/", views.other, {"page": "about"}, name="about"),
    path("users/<int:pk>/", views.detail, name="user"),
    path("files/<path:rest>", views.detail, name="files"),
    re_path(r"^archive/(\d{4})/(\d{2})/$", views.other, name="archive"),
    re_path(r"^named/(?P<code>[a-z]+)/$", views.detail, name="named"),
    path("blog/", include(blog_patterns), {"section": "blog"}),
    path("shop/", include("tests.urls.urlconf_shop", namespace="shop")),
]

handler404 = "tests.urls.views.handler"
handler500 = views.handler
