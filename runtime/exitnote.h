/* Exit statuses for `monitor`: a foreground run or execute knows its
 * process's exit status only for an instant before it deletes the
 * container, so it sends it to every monitor listening under the root (a
 * datagram socket <root>/.monitors/<pid>.sock each; the directory exists
 * only while a monitor does, so a run without one reads nothing but a
 * missing directory, however many containers the root holds). */
#ifndef BRIG_EXITNOTE_H
#define BRIG_EXITNOTE_H

#include <stdbool.h>

/* The monitors' directory under the root (a dot name: no container). */
#define MONITOR_DIR ".monitors"

/* run/execute: tell every live monitor under root.  Best effort. */
void exitnote_send(const char *root, const char *id, int status);
/* monitor: bind its socket (-1 when the path is too long). */
int exitnote_listen(const char *root, char **path);
/* monitor, leaving: remove its socket, and the directory if it is empty. */
void exitnote_unlisten(const char *root, const char *path);
/* monitor: read one note; true with *id (malloc'd) and *status. */
bool exitnote_recv(int fd, char **id, int *status);

#endif
