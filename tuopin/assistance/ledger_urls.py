"""Routes of the assistance app; see urls.py."""

urlpatterns: list = []
