/* seedboot's first C program built from seed: compiled inside the VM by the
 * stage0-posix tools (M2-Mesoplanet drives M2-Planet, blood-elf, M1 and hex2)
 * that the stage0 image produced. M2-Planet's C subset: no printf formats. */
#include <stdio.h>

int main(int argc, char** argv)
{
	fputs("hello from C, compiled by tools grown from a hex0 seed\n", stdout);
	return 0;
}
