// The accelerator choice: names, QEMU's arguments, which guests KVM can run where, what a
// device that is not KVM gets called, and the console line that says Linux has started.
#include "qemu/accel.hpp"
#include "qemu/console_watch.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

TEST_CASE("accel: the three names, anything else refused naming them", "[accel]") {
    qemu::Accel a = qemu::Accel::kvm;
    std::string err;
    REQUIRE(qemu::parse_accel("tcg", a, err));
    CHECK(a == qemu::Accel::tcg);
    REQUIRE(qemu::parse_accel("auto", a, err));
    CHECK(a == qemu::Accel::automatic);
    REQUIRE(qemu::parse_accel("kvm", a, err));
    CHECK(a == qemu::Accel::kvm);
    for (const char* bad : {"xen", "KVM", "", "kvm,tcg"}) {
        INFO(bad);
        CHECK_FALSE(qemu::parse_accel(bad, a, err));
        CHECK(err == "--accel '" + std::string(bad) + "' (expected kvm, tcg or auto)");
    }
    CHECK(qemu::accel_args(true) == std::vector<std::string>{"-accel", "kvm"});
    CHECK(qemu::accel_args(false) == std::vector<std::string>{"-accel", "tcg,thread=multi"});
}

TEST_CASE("accel: KVM runs the host's own arch, and i386 on x86_64", "[accel]") {
    std::string why;
    CHECK(qemu::kvm_runs_arch("x86_64", "x86_64", why));
    CHECK(qemu::kvm_runs_arch("i386", "x86_64", why));
    CHECK(qemu::kvm_runs_arch("aarch64", "aarch64", why));
    CHECK_FALSE(qemu::kvm_runs_arch("x86_64", "aarch64", why));
    CHECK_FALSE(qemu::kvm_runs_arch("i386", "aarch64", why));
    REQUIRE_FALSE(qemu::kvm_runs_arch("aarch64", "x86_64", why));
    CHECK(why == "KVM cannot run an aarch64 guest on this x86_64 host (it runs guests of the "
                 "host's own arch, and i386 on x86_64)");
}

TEST_CASE("accel: a KVM device that is missing, or is not KVM, is named", "[accel]") {
    // The guest's arch is the host's, so that only the device decides.
    std::string host = qemu::host_arch(), why;
    auto dir = std::filesystem::temp_directory_path() / ("accel-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    std::string missing = (dir / "kvm").string();
    CHECK_FALSE(qemu::kvm_usable(host, missing, why));
    CHECK(why == missing +
                     ": cannot open read-write: No such file or directory (no KVM on this host, "
                     "or not passed into this container)");
    std::ofstream(missing) << "not a device";
    CHECK_FALSE(qemu::kvm_usable(host, missing, why));
    CHECK(why == missing + ": KVM answers API version -1 (expected 12)");
    std::filesystem::remove_all(dir);
}

TEST_CASE("console watch: Linux has started at the PID 1's first line, not at firmware's",
          "[accel][console]") {
    qemu::ConsoleWatch w;
    w.feed("SeaBIOS (version 1.16.2-debian-1.16.2-1)\r\nBooting from ROM...\r\n");
    w.feed("BdsDxe: starting Boot0001 \"UEFI Misc Device\"\r\nEFI stub: Booting Linux\r\n");
    CHECK_FALSE(w.linux_started);
    w.feed("seedboot: PID 1 up at 2.0");
    CHECK_FALSE(w.linux_started); // the line is not complete yet
    w.feed("25158 s since boot\r\n");
    CHECK(w.linux_started);

    qemu::ConsoleWatch same_line; // SeaBIOS's last line without its line end
    same_line.feed("Booting from ROM..seedboot: PID 1 up at 2.1 s since boot\r\n");
    CHECK(same_line.linux_started);

    qemu::ConsoleWatch panic;
    panic.feed("Booting from ROM...\r\n[    1.2] Kernel panic - not syncing: VFS: Unable to mount "
               "root fs\r\n");
    CHECK(panic.linux_started);
}
