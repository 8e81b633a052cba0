/* Terminals: the container's pty is created inside its own devpts, and its
 * master goes to the caller over a unix socket (SCM_RIGHTS), the protocol
 * containerd and conmon implement. */
#ifndef BRIG_TERMINAL_H
#define BRIG_TERMINAL_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "spec.h"

/* Connect to the console socket at path.  Returns the fd or -1. */
int console_socket_connect(const char *path, struct brig_error *err);
/* In the child, after pivot_root: open /dev/ptmx, set consoleSize, send the
 * master over sock, make the slave the controlling terminal and stdio, and
 * (for the container's init) bind it over /dev/console. */
int terminal_setup_child(int sock, const struct spec_process *p,
                         bool bind_console, bool relayed,
                         struct brig_error *err);
/* The terminal the user sits at, found as runc finds it: stderr, stdout
 * or stdin, the first that is one (any may be redirected), else the
 * controlling terminal (/dev/tty); -1 when there is none.  *opened: the
 * caller closes it. */
int terminal_host_console(bool *opened);
/* That terminal's size; false when there is none. */
bool terminal_host_size(uint32_t *rows, uint32_t *cols);
/* Receive a file descriptor sent with SCM_RIGHTS. */
int fd_recv(int sock, struct brig_error *err);
/* A pty master brig relays itself (foreground run and exec, run
 * --console-file; terminal_setup_child's `relayed` for exec, whose process
 * does not wait for brig): no "\r" added before each "\n" (ONLCR off), so what
 * reaches a file or pipe is what the process wrote.  As runc, which clears
 * it on the master it receives; a console socket's receiver decides for
 * itself.  Termios set on a master are its slave's. */
int terminal_clear_onlcr(int master, struct brig_error *err);
/* Send fd with SCM_RIGHTS and `name` as the data. */
int fd_send(int sock, int fd, const char *name);
/* Send fd with SCM_RIGHTS and buf as the data; -1 with errno. */
int fd_send_buf(int sock, int fd, const void *buf, size_t len);
/* One message into buf (its length; 0 at EOF, -1 with errno), *fd the fd
 * it carried (close-on-exec) or -1. */
ssize_t fd_recv_buf(int sock, void *buf, size_t len, int *fd);
/* run -d --console-file: fork a relay that holds the pty master and
 * appends what the container writes to path, until the pty hangs up.
 * Takes ownership of master. */
int console_relay_spawn(int master, const char *path, struct brig_error *err);

#endif
