#include "sqfs.hpp"

#include <sqfs/error.h>

namespace builder::squashfs {

std::string sqfs_error_text(int code) {
    switch (code) {
    case SQFS_ERROR_ALLOC:
        return "out of memory";
    case SQFS_ERROR_IO:
        return "I/O error";
    case SQFS_ERROR_COMPRESSOR:
        return "compressor error (corrupted data?)";
    case SQFS_ERROR_INTERNAL:
        return "internal libsquashfs error";
    case SQFS_ERROR_CORRUPTED:
        return "corrupted data";
    case SQFS_ERROR_UNSUPPORTED:
        return "unsupported feature or option";
    case SQFS_ERROR_OVERFLOW:
        return "size overflow (corrupted data?)";
    case SQFS_ERROR_OUT_OF_BOUNDS:
        return "location out of bounds (corrupted or truncated?)";
    case SFQS_ERROR_SUPER_MAGIC:
        return "bad superblock magic";
    case SFQS_ERROR_SUPER_VERSION:
        return "unsupported squashfs version";
    case SQFS_ERROR_SUPER_BLOCK_SIZE:
        return "invalid block size";
    case SQFS_ERROR_NOT_DIR:
        return "not a directory";
    case SQFS_ERROR_NO_ENTRY:
        return "no such entry";
    case SQFS_ERROR_LINK_LOOP:
        return "link loop";
    case SQFS_ERROR_NOT_FILE:
        return "not a regular file";
    case SQFS_ERROR_ARG_INVALID:
        return "invalid argument";
    case SQFS_ERROR_SEQUENCE:
        return "libsquashfs calls out of sequence";
    default:
        return "libsquashfs error " + std::to_string(code);
    }
}

[[nodiscard]] bool sqfs_ok(int ret, const std::string& file, const std::string& what,
                           std::string& err) {
    if (ret == 0) return true;
    err = file + ": " + what + ": " + sqfs_error_text(ret);
    return false;
}

std::string quoted(std::string_view s) {
    return "\"" + std::string(s) + "\"";
}

std::string join_path(const std::string& dir, std::string_view name) {
    return (dir == "/" ? "/" : dir + "/") + std::string(name);
}

[[nodiscard]] bool is_valid_name(std::string_view name) {
    return !name.empty() && name.size() <= kMaxNameBytes && name != "." && name != ".." &&
           name.find('/') == std::string_view::npos && name.find('\0') == std::string_view::npos;
}

} // namespace builder::squashfs
