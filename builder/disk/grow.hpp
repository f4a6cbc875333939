// Enlarging the work partition of a disk image after a run filled it; the next boot resumes
// where the run stopped (`seedboot grow`).
//
// The image is never changed in place: the file system is copied out, checked (e2fsck -p) and
// grown (resize2fs) as a plain file, a new image is assembled next to the old one and renamed
// over it (an AtomicFile). A failure or a crash at any point leaves the old image as it was.
// (resize2fs cannot work inside the image: given "image?offset=N" it truncates the file to the
// new file system size, ignoring the offset, which cuts off the backup GPT.)
#pragma once

#include <cstdint>
#include <string>

namespace builder {

struct GrowResult {
    uint64_t before = 0, after = 0; // the work partition's size, in bytes
};

// Grows seedboot-work, the last partition of the disk image file `disk`, to `bytes` rounded
// up to whole MiB. `asked` is the size as the user wrote it, for the error when it would
// shrink the partition. A device is refused: its size is fixed.
[[nodiscard]] bool grow_work_partition(const std::string& disk, uint64_t bytes,
                                       const std::string& asked, GrowResult& out, std::string& err);

} // namespace builder
