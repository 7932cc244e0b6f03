/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MMREPRO_H
#define MMREPRO_H

/*
 * Subcommands, git/perf style: each lives in cmd-NAME.c with an entry
 * point shaped like main(), and mmrepro.c maps names to them.
 */
int cmd_sample(int argc, char **argv);
int cmd_vm(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_trace(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_ab(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_kernels(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_bisect(int argc, char **argv);

#endif
