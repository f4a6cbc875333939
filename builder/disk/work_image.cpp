#include "work_image.hpp"

#include "libseedboot/sys/subprocess.hpp"

#include "builder/disk/gpt/gpt.hpp"

#include "libseedboot/platform.hpp"
#include "libseedboot/sys/atomic_file.hpp"
#include "libseedboot/sys/error.hpp"
#include "libseedboot/sys/io.hpp"

#include <cctype>
#include <cstdio>

namespace builder {

namespace {

// mke2fs reads /etc/mke2fs.conf, whose defaults change between hosts and
// releases; this one is pinned so every builder makes the same file system.
constexpr const char* kMke2fsConf = R"([defaults]
	base_features = sparse_super,large_file,filetype,resize_inode,dir_index,ext_attr
	default_mntopts = acl,user_xattr
	blocksize = 4096
	inode_size = 256
	inode_ratio = 16384
[fs_types]
	ext4 = {
		features = has_journal,extent,huge_file,flex_bg,metadata_csum,64bit,dir_nlink,extra_isize
	}
)";

} // namespace

[[nodiscard]] bool make_work_fs(const std::string& out, uint64_t size, const std::string& seed,
                                uint64_t epoch, std::string& err, const char* label) {
    seedboot::TempFile conf;
    if (!conf.create(out + ".mke2fs-XXXXXX", err)) return false;
    if (!seedboot::write_all(conf.fd(), kMke2fsConf)) {
        err = seedboot::sys_error(conf.path() + ": writing the pinned mke2fs configuration");
        return false;
    }
    std::string uuid = format_guid(derived_guid("work-fs:" + seed));
    for (char& c : uuid) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::remove(out.c_str());
    return seedboot::run_program(
        {"mke2fs", "-q", "-F", "-t", "ext4", "-L", label, "-U", uuid, "-E",
         "hash_seed=" + uuid + ",root_owner=0:0,lazy_itable_init=0,lazy_journal_init=0,nodiscard",
         out, std::to_string(size / 1024) + "k"},
        {"MKE2FS_CONFIG=" + conf.path(), "E2FSPROGS_FAKE_TIME=" + std::to_string(epoch)}, err);
}

} // namespace builder
