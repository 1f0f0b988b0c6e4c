// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer: bytes as ftrace text (tracefs `trace`, `trace-cmd report`)
 * through the ftrace-text importer into a fresh database and the analysis.
 */
#include "tests/fuzz/fuzz-common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_setup();
	fuzz_write(data, size);
	fuzz_import(OL_FILE_FTRACE_TEXT);
	return 0;
}
