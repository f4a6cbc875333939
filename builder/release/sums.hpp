// SHA256SUMS: one "HEX  NAME" line per disk image of a release folder, sorted by name, as
// sha256sum writes it and `sha256sum -c` checks it. Names are plain file names in the folder:
// a release never reaches outside it.
#pragma once

#include <set>
#include <string>
#include <vector>

namespace builder {

struct Sum {
    std::string sha256; // lower-case hex
    std::string name;   // a file in the release folder
};

// The file's text: the lines sorted by name.
std::string format_sums(std::vector<Sum> sums);

// One line as sha256sum writes it: "HEX  NAME" (or "HEX *NAME"). `where` ("FILE:LINE") starts
// the error.
[[nodiscard]] bool parse_sum_line(const std::string& line, const std::string& where, Sum& out,
                                  std::string& err);

// The line for the file `name` in `dir`, hashed now.
[[nodiscard]] bool sum_of(const std::string& dir, const std::string& name, Sum& out,
                          std::string& err);

// Every file that DIR/SHA256SUMS lists must be in DIR with that hash; `names` gets their names.
[[nodiscard]] bool check_sums(const std::string& dir, std::set<std::string>& names,
                              std::string& err);

} // namespace builder
