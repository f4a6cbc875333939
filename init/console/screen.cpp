#include "init/console/screen.hpp"

#include "init/console/console.hpp"

#include "libseedboot/sys/fd.hpp"

#include <cerrno>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace init {

[[nodiscard]] bool console_is_vt(std::string_view active) {
    while (!active.empty() && (active.back() == '\n' || active.back() == ' '))
        active.remove_suffix(1);
    std::string_view last = active.substr(active.rfind(' ') + 1); // npos + 1 == 0: the whole
    if (last.size() < 4 || last.substr(0, 3) != "tty") return false;
    for (char c : last.substr(3))
        if (c < '0' || c > '9') return false;
    return true;
}

void attach_screen() {
    struct stat st {};
    if (::stat("/sys/class/graphics/fb0", &st) != 0) return; // no framebuffer: serial only
    char active[256] = {};
    seedboot::Fd fd(::open("/sys/class/tty/console/active", O_RDONLY | O_CLOEXEC));
    ssize_t n = fd.ok() ? ::read(fd.get(), active, sizeof active - 1) : -1;
    if (n > 0 && console_is_vt(std::string_view(active, static_cast<size_t>(n)))) {
        use_screen(ScreenKind::is_console);
        return;
    }
    // tty0 is whichever VT is in front: the one the framebuffer console shows.
    int screen = ::open("/dev/tty0", O_WRONLY | O_NOCTTY | O_CLOEXEC);
    if (screen < 0) {
        fail_errno("open the screen /dev/tty0 (going on with the serial console only)");
        return;
    }
    use_screen(ScreenKind::beside, screen);
}

} // namespace init
