// /result on the work partition: the run's verdict as `seedboot status` and the host
// read it (its format: libseedboot/format/result.hpp). Written at the end of every boot that
// got the work partition mounted, ok or not, so that it always says what the console's
// result line said.
#pragma once

#include "init/work/work.hpp"

#include "libseedboot/format/journal.hpp"

#include <map>
#include <string>

namespace init {

struct Verdict {
    bool ok = false;
    std::string failed_step; // set when !ok
    int status = 0;
    bool disk_full = false; // the failed step left the work partition full
    // The plan's digest root's tree digest, once all passed; tree_root empty: none.
    std::string tree_root;
    std::string tree_sha256;
    uint64_t tree_entries = 0;
};

// Writes /result for `arch`: the verdict, every step the journal shows done, and the
// outputs hashed (path -> sha256). False, said on the console, when it could not be written.
[[nodiscard]] bool write_result(const Work& work, const std::string& arch,
                                const seedboot::Journal& j,
                                const std::map<std::string, std::string>& outputs,
                                const Verdict& v);

} // namespace init
