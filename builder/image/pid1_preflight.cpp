#include "pid1_preflight.hpp"

#include "libseedboot/sys/fd.hpp"

#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace builder {

namespace {

struct ElfEnd {
    void operator()(Elf* e) const { elf_end(e); }
};
using ElfPtr = std::unique_ptr<Elf, ElfEnd>;

std::string machine_name(unsigned machine, unsigned bits) {
    std::string name = machine == EM_386       ? "EM_386"
                       : machine == EM_X86_64  ? "EM_X86_64"
                       : machine == EM_AARCH64 ? "EM_AARCH64"
                                               : "e_machine " + std::to_string(machine);
    return name + ", " + std::to_string(bits) + "-bit";
}

std::string want_name(const seedboot::Arch& a) {
    return std::string(a.name) + " (" + machine_name(a.elf_machine, a.elf_bits) + ")";
}

// The arch of an ELF header, or null.
const seedboot::Arch* arch_of(const GElf_Ehdr& eh, unsigned bits) {
    for (const auto& a : seedboot::kArches)
        if (a.elf_machine == eh.e_machine && a.elf_bits == bits) return &a;
    return nullptr;
}

[[nodiscard]] bool check_header(Elf* e, const std::string& path, const seedboot::Arch* want,
                                ElfFacts& facts, std::string& err) {
    GElf_Ehdr eh;
    int cls = gelf_getclass(e);
    if (elf_kind(e) != ELF_K_ELF || cls == ELFCLASSNONE || !gelf_getehdr(e, &eh)) {
        err = path + ": not an ELF file (expected a static PID 1 executable)";
        return false;
    }
    unsigned bits = cls == ELFCLASS64 ? 64 : 32;
    facts.machine = machine_name(eh.e_machine, bits);
    facts.arch = arch_of(eh, bits);
    std::string expected = want ? want_name(*want) : std::string(seedboot::kArchNames);
    if (!facts.arch || (want && facts.arch != want)) {
        err = path + ": an ELF file for " + facts.machine + " (expected one for " + expected + ")";
        return false;
    }
    if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN) {
        err = path + ": ELF type " + std::to_string(eh.e_type) +
              " is not a program (expected ET_EXEC, or ET_DYN for static-pie)";
        return false;
    }
    if (eh.e_entry == 0) {
        err = path + ": no entry point (a shared library?; expected an executable)";
        return false;
    }
    return true;
}

// The name at `offset` in the string table of the SHT_DYNAMIC section, or "" when the
// section headers are stripped.
std::string dynamic_string(Elf* e, size_t offset) {
    for (Elf_Scn* s = elf_nextscn(e, nullptr); s; s = elf_nextscn(e, s)) {
        GElf_Shdr sh;
        if (!gelf_getshdr(s, &sh) || sh.sh_type != SHT_DYNAMIC) continue;
        const char* name = elf_strptr(e, sh.sh_link, offset);
        return name ? name : "";
    }
    return "";
}

// The DT_NEEDED entries of the PT_DYNAMIC segment `ph`; `first` gets the first one's name.
size_t needed_count(Elf* e, const GElf_Phdr& ph, std::string& first) {
    Elf_Data* d = elf_getdata_rawchunk(e, ph.p_offset, ph.p_filesz, ELF_T_DYN);
    if (!d) return 0;
    size_t count = 0, n = ph.p_filesz / gelf_fsize(e, ELF_T_DYN, 1, EV_CURRENT);
    for (size_t i = 0; i < n; ++i) {
        GElf_Dyn dyn;
        if (!gelf_getdyn(d, static_cast<int>(i), &dyn) || dyn.d_tag == DT_NULL) break;
        if (dyn.d_tag != DT_NEEDED) continue;
        if (count++ == 0) first = dynamic_string(e, dyn.d_un.d_val);
    }
    return count;
}

// Every segment within the file: a cut copy is named as such, whatever else it would say.
[[nodiscard]] bool check_bounds(Elf* e, const std::string& path, uint64_t file_size, size_t& count,
                                std::string& err) {
    if (elf_getphdrnum(e, &count) != 0 || count == 0) {
        err = path + ": no program headers (" + elf_errmsg(-1) + "; expected an executable)";
        return false;
    }
    for (size_t i = 0; i < count; ++i) {
        GElf_Phdr ph;
        if (!gelf_getphdr(e, static_cast<int>(i), &ph)) {
            err = path + ": program header " + std::to_string(i) + ": " + elf_errmsg(-1);
            return false;
        }
        if (ph.p_offset <= file_size && ph.p_filesz <= file_size - ph.p_offset) continue;
        err = path + ": truncated: segment " + std::to_string(i) + " ends at byte " +
              std::to_string(ph.p_offset + ph.p_filesz) + ", past the file's " +
              std::to_string(file_size) + " (expected the whole binary)";
        return false;
    }
    return true;
}

std::string interpreter(Elf* e, const GElf_Phdr& ph) {
    Elf_Data* d = elf_getdata_rawchunk(e, ph.p_offset, ph.p_filesz, ELF_T_BYTE);
    if (!d) return "?";
    const char* text = static_cast<const char*>(d->d_buf);
    return std::string(text, strnlen(text, d->d_size));
}

// No program interpreter and no shared library: nothing the image would have to hold.
[[nodiscard]] bool check_static(Elf* e, const std::string& path, size_t count, std::string& err) {
    for (size_t i = 0; i < count; ++i) {
        GElf_Phdr ph;
        if (!gelf_getphdr(e, static_cast<int>(i), &ph)) continue; // read in check_bounds
        if (ph.p_type == PT_INTERP) {
            err = path + ": dynamically linked: it asks for the program interpreter " +
                  interpreter(e, ph) +
                  " (PT_INTERP), which is not in the image (expected a static binary)";
            return false;
        }
        std::string lib;
        size_t libs = ph.p_type == PT_DYNAMIC ? needed_count(e, ph, lib) : 0;
        if (libs == 0) continue;
        err = path + ": dynamically linked: it needs " + std::to_string(libs) + " shared librar" +
              (libs == 1 ? "y" : "ies") + " (DT_NEEDED" +
              (lib.empty() ? "" : ": " + lib + (libs == 1 ? "" : ", ...")) +
              "), not in the image (expected a static binary)";
        return false;
    }
    return true;
}

} // namespace

[[nodiscard]] bool preflight_pid1(const std::string& path, const seedboot::Arch* want,
                                  ElfFacts& facts, std::string& err) {
    if (elf_version(EV_CURRENT) == EV_NONE) {
        err = std::string("libelf: ") + elf_errmsg(-1);
        return false;
    }
    seedboot::Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    struct stat st {};
    if (!fd.ok() || ::fstat(fd.get(), &st) != 0) {
        err = path + ": PID 1 binary cannot be read: " + std::strerror(errno);
        return false;
    }
    if (!S_ISREG(st.st_mode)) {
        err = path + ": not a regular file (expected a static PID 1 executable)";
        return false;
    }
    ElfPtr e(elf_begin(fd.get(), ELF_C_READ_MMAP, nullptr));
    if (!e) {
        err = path + ": not an ELF file: " + elf_errmsg(-1);
        return false;
    }
    size_t segments = 0;
    return check_header(e.get(), path, want, facts, err) &&
           check_bounds(e.get(), path, static_cast<uint64_t>(st.st_size), segments, err) &&
           check_static(e.get(), path, segments, err);
}

} // namespace builder
