"""The assistance app's pages, under /ledgers/: each part keeps its routes in its module."""

from tuopin.assistance import coverage_urls, import_urls, ledger_urls

app_name = "assistance"
urlpatterns = [
    *ledger_urls.urlpatterns,  # ledger lists, entries, the household panel, downloads
    *import_urls.urlpatterns,  # uploading department spreadsheets, reports
    *coverage_urls.urlpatterns,  # coverage checks, scorecards, parameters
]
