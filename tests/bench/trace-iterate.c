// SPDX-License-Identifier: GPL-2.0
/*
 * trace-iterate FILE.dat: the reference for the store benchmark
 * (bench-lock-import.sh): a bare libtracecmd iteration of every buffer of
 * a trace.dat in time order, as oomlens import reads it, that only looks
 * up each record's event id and counts.  Prints "N records".
 */
#include <stdio.h>
#include <trace-cmd.h>

static int on_record(struct tracecmd_input *h, struct tep_record *rec, int cpu, void *data)
{
	long long *n = data;

	(void)cpu;
	if (tep_data_type(tracecmd_get_tep(h), rec) >= 0)
		(*n)++;
	return 0;
}

int main(int argc, char **argv)
{
	struct tracecmd_input *h, *handles[64];
	long long n = 0;
	int nh = 0, i, nb;

	if (argc != 2) {
		fprintf(stderr, "usage: trace-iterate FILE.dat\n");
		return 2;
	}
	tracecmd_set_loglevel(TEP_LOG_NONE);
	h = tracecmd_open(argv[1], TRACECMD_FL_LOAD_NO_PLUGINS);
	if (!h) {
		fprintf(stderr, "trace-iterate: '%s': cannot read this trace.dat\n", argv[1]);
		return 1;
	}
	handles[nh++] = h;
	nb = tracecmd_buffer_instances(h);
	for (i = 0; i < nb && nh < 64; i++) {
		struct tracecmd_input *b = tracecmd_buffer_instance_handle(h, i);

		if (b)
			handles[nh++] = b;
	}
	if (tracecmd_iterate_events_multi(handles, nh, on_record, &n) < 0) {
		fprintf(stderr, "trace-iterate: '%s': cannot read the event data\n", argv[1]);
		return 1;
	}
	printf("%lld records\n", n);
	for (i = 1; i < nh; i++)
		tracecmd_close(handles[i]);
	tracecmd_close(h);
	return 0;
}
