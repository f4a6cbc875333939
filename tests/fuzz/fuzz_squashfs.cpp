// The squashfs reader (libsquashfs underneath): any bytes as an image must be read or refused
// with a message naming the image, never crash. What it reads is sorted, unique, rooted at "/",
// and reading one file on its own gives the same bytes as reading everything.
//
// libsquashfs trusts sizes in a crafted image enough to malloc them; run with
// ASAN_OPTIONS=allocator_may_return_null=1:max_allocation_size_mb=1024 so that such a malloc
// fails (an error the reader reports) rather than ending the run (tests/fuzz/run.sh does).
#include "fuzz_util.hpp"

#include "builder/image/squashfs/squashfs.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string& path = fuzz::write_temp("sqfs", data, size);
    std::vector<builder::ImageEntry> entries;
    std::string err;
    if (!builder::read_squashfs(path, entries, err)) {
        fuzz::expect_named(err, path, "a squashfs error does not name the image");
        if (!entries.empty()) fuzz::fail("entries left after a failed read");
        return 0;
    }
    if (entries.empty() || entries[0].path != "/" || entries[0].type != 'd')
        fuzz::fail("the first entry is not the root directory");
    const builder::ImageEntry* first_file = nullptr;
    for (size_t i = 0; i < entries.size(); i++) {
        const auto& e = entries[i];
        if (i > 0 && !(entries[i - 1].path < e.path))
            fuzz::fail("entries not sorted and unique", e.path);
        if (e.type != 'd' && e.type != 'f' && e.type != 'l')
            fuzz::fail("unexpected entry type", e.path);
        if (e.mode > 07777) fuzz::fail("mode beyond the permission bits", e.path);
        if (e.type == 'f' && !first_file) first_file = &e;
    }
    if (first_file) {
        std::string content;
        if (!builder::read_squashfs_file(path, first_file->path, content, err))
            fuzz::fail("a file read in full cannot be read alone", err);
        if (content != first_file->data)
            fuzz::fail("a file reads differently alone", first_file->path);
    }
    return 0;
}
