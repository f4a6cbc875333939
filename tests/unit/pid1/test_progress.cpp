// The PID 1's progress counter: kaem's " +> " marker counts once per command, however
// the pipe cuts the output into chunks (M2libc's kaem writes the marker in pieces).
#include "init/console/progress.hpp"

#include <catch2/catch.hpp>

TEST_CASE("progress counts kaem commands across chunk boundaries", "[progress]") {
    seedboot::PlanStep step;
    step.name = "mini-kaem";
    init::Progress p(step);
    for (std::string_view chunk :
         {" ", "+", ">", " ./hex0 a b\n", " +> ./M0 x y\n +", "> ./catm\n"})
        p.feed(chunk);
    CHECK(p.commands() == 3);
    // Not at the start of a line, or not exactly the marker: not a command.
    p.feed("echo +> no\n +>no\n  +> no\n");
    CHECK(p.commands() == 3);
}
