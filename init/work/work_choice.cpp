#include "init/work/work_choice.hpp"

#include <strings.h>

namespace init {

namespace {

[[nodiscard]] bool same_guid(const std::string& a, const std::string& b) {
    return a.size() == b.size() && !a.empty() && ::strcasecmp(a.c_str(), b.c_str()) == 0;
}

std::string describe(const WorkCandidate& c, const std::string& identity) {
    std::string whose = c.partuuid.empty()                ? "PARTUUID unreadable"
                        : same_guid(c.partuuid, identity) ? "this image's"
                                                          : "another image's, " + c.partuuid;
    return c.device + " (" + whose + ")";
}

std::string list(const std::vector<WorkCandidate>& found, const std::vector<size_t>& which,
                 const std::string& identity) {
    std::string out;
    for (size_t i : which) out += (out.empty() ? "" : ", ") + describe(found[i], identity);
    return out;
}

} // namespace

WorkChoice choose_work(const std::vector<WorkCandidate>& found, const std::string& root_disk,
                       const std::string& identity) {
    std::vector<size_t> on_root, on_root_mine, mine, all;
    for (size_t i = 0; i < found.size(); ++i) {
        bool is_mine = same_guid(found[i].partuuid, identity);
        all.push_back(i);
        if (is_mine) mine.push_back(i);
        if (found[i].disk != root_disk) continue;
        on_root.push_back(i);
        if (is_mine) on_root_mine.push_back(i);
    }
    const std::string expected = "this image's identity is " + identity;
    if (!on_root.empty()) {
        if (on_root_mine.size() == 1)
            return {Choice::take, on_root_mine[0], "on the root's disk " + root_disk};
        if (on_root_mine.empty())
            return {Choice::refuse, 0,
                    "the work partition on the root's disk " + root_disk +
                        " was made for another image: " + list(found, on_root, identity) + "; " +
                        expected + " (make the disk again with seedboot disk or make images)"};
        return {Choice::refuse, 0,
                "cannot tell which work partition on the root's disk " + root_disk +
                    " to use: " + list(found, on_root_mine, identity)};
    }
    if (mine.size() == 1)
        return {Choice::take, mine[0],
                "on " + found[mine[0]].disk +
                    ", the only one made for this image (the root is on " + root_disk + ")"};
    if (mine.size() > 1)
        return {Choice::refuse, 0,
                "cannot tell which work partition to use: " + list(found, mine, identity) +
                    " were all made for this image and none is on the root's disk " + root_disk +
                    "; detach all but one"};
    return {Choice::wait, 0,
            "no work partition made for this image (" + expected + "); found " +
                (all.empty() ? std::string("no partition named seedboot-work")
                             : list(found, all, identity))};
}

std::string left_alone(const std::vector<WorkCandidate>& found, size_t taken,
                       const std::string& identity) {
    std::vector<size_t> others;
    for (size_t i = 0; i < found.size(); ++i)
        if (i != taken) others.push_back(i);
    return list(found, others, identity);
}

} // namespace init
