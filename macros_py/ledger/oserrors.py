"""The operating system's errors in Vietnamese, for every message a user reads (no English strerror).

`os_reason(exc)` says what went wrong without the path; the same fault is worded the same way by
every command, whether the core (reading a ledger) or a shell (writing a file) meets it.
"""

from __future__ import annotations

import errno

IS_A_DIRECTORY = "là một thư mục, cần một tệp"

ERRNO_VI: dict[int, str] = {
    errno.ENOENT: "không có thư mục hoặc tệp này",
    errno.EACCES: "không có quyền truy cập",
    errno.EPERM: "không được phép",
    errno.EISDIR: f"đây {IS_A_DIRECTORY}",
    errno.ENOTDIR: "một phần của đường dẫn không phải là thư mục",
    errno.ENOSPC: "ổ đĩa đã đầy",
    errno.EROFS: "ổ đĩa chỉ cho đọc",
    errno.EEXIST: "đã có tệp hoặc thư mục cùng tên",
    errno.ENAMETOOLONG: "tên quá dài",
    errno.EINVAL: "tên hoặc đường dẫn không hợp lệ",
    errno.EBUSY: "tệp đang bị chương trình khác dùng",
    errno.ELOOP: "đường dẫn đi qua các lối tắt (liên kết) trỏ vòng lại nhau",
    errno.EIO: "lỗi đọc, ghi trên ổ đĩa (ổ đĩa, thẻ nhớ hoặc ổ mạng có vấn đề)",
    errno.ENXIO: "thiết bị không có hoặc đã bị rút ra",
    errno.ENODEV: "thiết bị không có hoặc đã bị rút ra",
    errno.EMFILE: "máy đang mở quá nhiều tệp; hãy đóng bớt chương trình",
    errno.ENFILE: "máy đang mở quá nhiều tệp; hãy đóng bớt chương trình",
    errno.EAGAIN: "tệp tạm thời chưa dùng được; hãy thử lại sau ít phút",
    errno.EFBIG: "tệp quá lớn",
    errno.ETIMEDOUT: "ổ mạng không trả lời (hết thời gian chờ)",
    errno.ESTALE: "ổ mạng đã ngắt kết nối; hãy mở lại thư mục mạng",
    errno.EXDEV: "không chuyển được tệp sang ổ đĩa khác",
    errno.ETXTBSY: "tệp đang bị chương trình khác dùng",
    errno.ENOMEM: "máy không đủ bộ nhớ",
    errno.ECONNRESET: "kết nối tới ổ mạng bị ngắt",
    errno.ENETUNREACH: "không tới được máy chủ qua mạng",
    errno.EHOSTUNREACH: "không tới được máy chủ qua mạng",
    errno.ECONNREFUSED: "máy chủ từ chối kết nối",
}
for _name, _words in (("EDQUOT", "đã hết dung lượng được cấp trên ổ đĩa"), ("EOVERFLOW", "tệp quá lớn"),
                      ("EHOSTDOWN", "máy chủ không bật hoặc không có trên mạng"), ("ENOLCK", "không khóa được tệp"),
                      ("EDEADLK", "không khóa được tệp"), ("ENOTCONN", "ổ mạng chưa được kết nối")):
    if hasattr(errno, _name):
        ERRNO_VI.setdefault(getattr(errno, _name), _words)


def os_reason(exc: OSError) -> str:
    """What went wrong, in Vietnamese, without the path; an errno not in the table is named by its code."""
    words = ERRNO_VI.get(exc.errno or 0)
    if words:
        return words
    if isinstance(exc, TimeoutError):
        return "hết thời gian chờ"
    if exc.errno:
        return f"lỗi của hệ điều hành (mã {errno.errorcode.get(exc.errno, exc.errno)})"
    return "lỗi của hệ điều hành khi mở tệp"
