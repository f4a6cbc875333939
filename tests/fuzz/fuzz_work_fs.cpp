// The ext4 work file system reader (libext2fs underneath): any bytes as an image (bare ext4,
// or a GPT disk with a seedboot-work partition; GPT CRCs repaired as in fuzz_gpt.cpp) must be
// opened, listed and its /state read, or refused with a message naming the image, never crash.
//
// Journal replay would run e2fsck on a copy in $TMPDIR: the target points TMPDIR at a folder
// that does not exist, so that path ends at "cannot create a temporary copy" instead of
// starting a process per input.
//
// libext2fs itself is not instrumented and trusts a crafted superblock a good deal; a crash
// whose stack is all inside libext2fs is a libext2fs bug, not ours (see docs/fuzzing.md).
// Paths are resolved by our own lookup, symlinks included: libext2fs's ext2fs_namei_follow
// over-reads on a symlink whose i_size exceeds what it can hold (regressions/work_fs/).
#include "fuzz_util.hpp"

#include "builder/readback/work_fs.hpp"

#include <cstdlib>

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    ::setenv("TMPDIR", "/nonexistent/seedboot-fuzz-no-replay", 1);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string& path = fuzz::write_disk_temp("work", data, size);
    builder::WorkFs fs;
    std::string err;
    if (!builder::open_work_fs(path, fs, err)) {
        fuzz::expect_named(err, path, "a work fs error does not name the image");
        return 0;
    }
    std::vector<builder::WorkFsEntry> entries;
    if (builder::list_work_tree(fs, "/", entries, err)) {
        for (size_t i = 0; i < entries.size(); i++) {
            if (i > 0 && !(entries[i - 1].path < entries[i].path))
                fuzz::fail("entries not sorted and unique", entries[i].path);
            if (entries[i].path.empty() || entries[i].path[0] != '/')
                fuzz::fail("an entry path is not absolute", entries[i].path);
        }
    } else {
        fuzz::expect_named(err, path, "a listing error does not name the image");
    }
    std::string state;
    if (!builder::read_work_file(fs, "/state", state, err, 1 << 20))
        fuzz::expect_named(err, path, "a read error does not name the image");
    return 0;
}
