#include "result_file.hpp"

#include "files.hpp"

namespace init {

bool write_result(const Work& work, const std::string& arch, const seedboot::Journal& j,
                  const std::map<std::string, std::string>& outputs, const Verdict& v) {
    std::string t = "seedboot-result 1\narch " + arch + "\n";
    t += v.ok ? "result ok\n"
              : "result fail step=" + v.failed_step + " status=" + std::to_string(v.status) + "\n";
    if (v.disk_full) t += "cause work-partition-full\n";
    if (!v.digest.empty()) t += "tree " + v.digest + "\n";
    for (const auto& e : j.events)
        if (e.kind == "done")
            t += "step " + e.name + " status=" + std::to_string(e.status) +
                 " ms=" + std::to_string(e.millis) + "\n";
    for (const auto& [path, sha] : outputs) t += "output " + sha + " " + path + "\n";
    return write_file_atomic(work.result(), t);
}

} // namespace init
