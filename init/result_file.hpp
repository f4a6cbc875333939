// /result on the work partition: the run's verdict as `seedboot status` and the host
// read it. Written at the end of every boot that got the work partition mounted, ok
// or not, so that it always says what the console's result line said.
#pragma once

#include "work.hpp"

#include "libseedboot/format/journal.hpp"

#include <map>
#include <string>

namespace init {

struct Verdict {
    bool ok = false;
    std::string failed_step; // set when !ok
    int status = 0;
    bool disk_full = false; // the failed step left the work partition full
    std::string digest;     // "ROOT SHA256 ENTRIES": the plan's digest root, once all passed
};

// Writes /result for `arch`: the verdict, every step the journal shows done, and the
// outputs hashed (path -> sha256).
bool write_result(const Work& work, const std::string& arch, const seedboot::Journal& j,
                  const std::map<std::string, std::string>& outputs, const Verdict& v);

} // namespace init
