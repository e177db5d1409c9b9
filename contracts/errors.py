"""Why a file could not be read. Each message is one line a lawyer can act on."""

from __future__ import annotations


class IngestError(Exception):
    """A file lexrisk cannot turn into a Document; `code` is stable for APIs, the message is for people."""

    code = "unreadable_file"

    def __init__(self, name: str, detail: str) -> None:
        super().__init__(f"{name}: {detail}")
        self.name = name
        self.detail = detail

    def __reduce__(self) -> tuple[type[IngestError], tuple[str, str]]:
        # rebuilt from (name, detail), not from the formatted message, when it crosses a process boundary
        return type(self), (self.name, self.detail)


class MissingFileError(IngestError):
    code = "missing_file"


class UnsupportedTypeError(IngestError):
    code = "unsupported_type"


class EmptyFileError(IngestError):
    code = "empty_file"


class TooLargeError(IngestError):
    """The file, or what it unpacks to, is over a size limit (HTTP 413)."""

    code = "too_large"


class TooManyPagesError(TooLargeError):
    code = "too_many_pages"


class TooComplexError(TooLargeError):
    """Structure no contract has and parsers choke on: a zip of thousands of members, a compression ratio
    of a zip bomb, a DTD in a Word part, a page tree deeper than any real document."""

    code = "too_complex"


class TextTooLongError(TooLargeError):
    """More text than any contract holds (`max_text_chars`): refused before it is segmented or analysed."""

    code = "text_too_long"

    @classmethod
    def of(cls, name: str, chars: int, limit: int, qualifier: str = "") -> TextTooLongError:
        """The one wording of the limit, wherever it is met (a text file, a DOCX, a PDF page by page)."""
        return cls(name, f"the text has {qualifier}{chars:,} characters; the limit is {limit:,} (far beyond "
                         "any contract)")


class CorruptFileError(IngestError):
    code = "corrupt_file"


class EncryptedFileError(IngestError):
    code = "encrypted_file"


class NeedsOCRError(IngestError):
    code = "needs_ocr"


class ExtractionTimeoutError(IngestError):
    """The isolated reader ran past its time budget and was killed."""

    code = "extraction_timeout"


class ExtractionMemoryError(IngestError):
    """The isolated reader ran past its memory budget."""

    code = "extraction_out_of_memory"


class ExtractionFailedError(IngestError):
    """The isolated reader died or raised something no guard foresaw: a bug, reported without a traceback."""

    code = "extraction_failed"


class CommandError(Exception):
    """A failure the user can fix: the command root prints it as one line and exits with status 2."""


def yaml_problem(exc: Exception) -> str:
    """A YAML parse error on one line, where it is and what is wrong ("line 1, column 12: expected ',' or
    ']', but got '<stream end>'"), for the one-line errors of the CLI and the API; PyYAML's own message
    spans several lines and quotes the text with a caret under it."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return f"line {mark.line + 1}, column {mark.column + 1}: {problem}" if mark is not None else problem
