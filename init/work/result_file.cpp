#include "init/work/result_file.hpp"

#include "init/console/console.hpp"

#include "libseedboot/format/result.hpp"
#include "libseedboot/sys/atomic_file.hpp"

namespace init {

[[nodiscard]] bool write_result(const Work& work, const std::string& arch,
                                const seedboot::Journal& j,
                                const std::map<std::string, std::string>& outputs,
                                const Verdict& v) {
    seedboot::RunResult r{.arch = arch,
                          .ok = v.ok,
                          .failed_step = v.failed_step,
                          .status = static_cast<uint64_t>(v.status),
                          .disk_full = v.disk_full,
                          .tree_root = v.tree_root,
                          .tree_sha256 = v.tree_sha256,
                          .tree_entries = v.tree_entries};
    for (const auto& e : j.events)
        if (e.kind == "done") r.steps.push_back({e.name, e.status, e.millis});
    for (const auto& [path, sha] : outputs) r.outputs.push_back({sha, path});
    std::string text, err;
    if (!seedboot::format_result(r, text, err)) return fail(err);
    return reported(seedboot::write_file_atomic(work.result(), text, 0644, err), err);
}

} // namespace init
