"""Uploads of any size go to a temporary file, never to memory; a body above the wearable import's
limit is stopped with a flag the view turns into a form error (``request.upload_too_large``)."""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import StopUpload, TemporaryFileUploadHandler

__all__ = ["LimitedTemporaryFileUploadHandler"]


class LimitedTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    """Django's temporary-file handler (files streamed to disk in chunks), refusing a request body over
    ``WEARABLE_IMPORT_MAX_BYTES`` before a byte of it is stored."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.request.upload_too_large = bool(content_length and content_length > settings.WEARABLE_IMPORT_MAX_BYTES)
        return super().handle_raw_input(input_data, META, content_length, boundary, encoding)

    def new_file(self, *args, **kwargs):
        if getattr(self.request, "upload_too_large", False):
            raise StopUpload(connection_reset=False)  # the rest of the body is read and dropped, then the page answers
        return super().new_file(*args, **kwargs)

    def receive_data_from_client(self, raw_data, start):
        if start + len(raw_data) > settings.WEARABLE_IMPORT_MAX_BYTES:  # a body without (or with a false) length
            self.request.upload_too_large = True
            self.file.close()
            raise StopUpload(connection_reset=False)
        return super().receive_data_from_client(raw_data, start)
