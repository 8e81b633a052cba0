/* --set PATH=VALUE over a config (spec/patch.c). */
#include <stdlib.h>
#include <string.h>

#include "spec.h"
#include "tap.h"

static const char base[] =
    "{\"ociVersion\":\"1.3.0\",\"hostname\":\"base\","
    "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"env\":[\"A=1\"]},"
    "\"root\":{\"path\":\"rootfs\"},"
    "\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\"}],"
    "\"linux\":{\"sysctl\":{\"kernel.shmmax\":\"1\"}},"
    "\"vm\":{\"hypervisor\":{\"path\":\"/x\"}}}";

/* Parse base with the sets; NULL and the message in msg on failure. */
static struct spec_config *with(char *msg, const char *s1, const char *s2,
                                const char *s3) {
  char *sets[] = {(char *)s1, (char *)s2, (char *)s3, NULL};
  struct brig_error err = {0};
  struct spec_config *cfg =
      spec_parse_with(base, strlen(base), "config.json", sets, &err);
  strcpy(msg, cfg ? "" : err.msg);
  return cfg;
}

/* The refusal for one --set. */
static const char *refusal(const char *s1, const char *s2) {
  static char msg[BRIG_ERROR_MAX];
  struct spec_config *cfg = with(msg, s1, s2, NULL);
  if (cfg != NULL) {
    spec_free(cfg);
    return "(accepted)";
  }
  return msg;
}

static void test_values(void) {
  char msg[BRIG_ERROR_MAX];
  struct spec_config *c;

  c = with(msg, "hostname=web", "linux.resources.cpu.shares=512",
           "process.env+=DEBUG=1");
  ok(c != NULL, "three sets accepted (%s)", msg);
  if (c == NULL)
    return;
  is_str(c->hostname, "web", "string replaces");
  ok(c->linux_->resources && c->linux_->resources->cpu &&
         c->linux_->resources->cpu->shares.set &&
         c->linux_->resources->cpu->shares.v == 512,
     "objects created on the way, number value");
  is_str(c->process->env[1], "DEBUG=1", "+= appends a plain string");
  ok(c->process->env[2] == NULL, "one element appended");
  spec_free(c);

  c = with(msg, "linux.sysctl[\"net.ipv4.ip_forward\"]=1", "hostname=123",
           "process.args+=[\"-c\",\"true\"]");
  ok(c != NULL, "[\"...\"] key, number taken as a string (%s)", msg);
  if (c == NULL)
    return;
  ok(c->linux_->n_sysctl == 2, "sysctl has two entries");
  is_str(c->linux_->sysctl[1].key, "net.ipv4.ip_forward", "dotted key");
  is_str(c->linux_->sysctl[1].value, "1", "1 as text");
  is_str(c->hostname, "123", "hostname 123 as text");
  is_str(c->process->args[2], "true", "+= of an array appends its elements");
  spec_free(c);

  c = with(msg, "mounts[0].options=[\"nosuid\"]", "process.args[0]=ls",
           "hostname=null");
  ok(c != NULL, "[N] steps (%s)", msg);
  if (c == NULL)
    return;
  is_str(c->mounts[0].options[0], "nosuid", "mounts[0].options");
  is_str(c->process->args[0], "ls", "args[0]");
  ok(c->hostname == NULL, "null removes");
  spec_free(c);

  c = with(msg, "process.user.uid=5", "process.user={\"uid\":6}", NULL);
  ok(c != NULL && c->process->user.uid == 6, "a later --set overrides (%s)",
     msg);
  spec_free(c);
  c = with(msg, "annotations[\"a=b.c\"]=x", "process.terminal=true", NULL);
  ok(c != NULL && c->n_annotations == 1 && c->process->terminal,
     "= inside [\"...\"] (%s)", msg);
  spec_free(c);
}

static void test_refusals(void) {
  is_str(refusal("linux.resources.memory.limit=1G", NULL),
         "--set linux.resources.memory.limit=1G: "
         ".linux.resources.memory.limit: expected an integer, got \"1G\"",
         "wrong type names the --set");
  is_str(refusal("linux.foo=1", NULL),
         "--set linux.foo=1: .linux.foo: unknown field (not in the runtime "
         "spec brig implements)",
         "unknown field");
  is_str(refusal("vm.hypervisor.path=/y", NULL),
         "--set vm.hypervisor.path=/y: .vm.hypervisor.path: unknown field "
         "(not in the runtime spec brig implements)",
         "a section brig does not read");
  is_str(refusal("hostname", NULL), "--set hostname: expected PATH=VALUE",
         "no =");
  is_str(refusal("=1", NULL),
         "--set =1: expected PATH=VALUE (an empty key in the path)",
         "empty path");
  is_str(refusal("a..b=1", NULL),
         "--set a..b=1: expected PATH=VALUE (an empty key in the path)",
         "empty key");
  is_str(refusal("[0]=1", NULL), "--set [0]=1: the path must start with a key",
         "index first");
  is_str(refusal("a[\"x=1", NULL),
         "--set a[\"x=1: unterminated [\"...\"] in the path", "open quote");
  is_str(refusal("process.args.x=1", NULL),
         "--set process.args.x=1: .process.args: expected an object, got an "
         "array",
         "key into an array");
  is_str(refusal("process.args[5]=x", NULL),
         "--set process.args[5]=x: .process.args[5]: no such element (the "
         "array has 1)",
         "index out of range");
  is_str(refusal("hostname+=x", NULL),
         "--set hostname+=x: .hostname: expected an array to append to, got "
         "\"base\"",
         "+= on a string");
  is_str(refusal("hostname={", NULL),
         "--set hostname={: .hostname: VALUE: invalid JSON at the end of the "
         "text: parse error: "
         "premature EOF",
         "VALUE that starts like JSON must be JSON");
  is_str(refusal("process.cwd=relative", NULL),
         "--set process.cwd=relative: .process.cwd: expected an absolute "
         "path, got \"relative\"",
         "semantic check");
  is_str(refusal("process.terminal=1", NULL),
         "--set process.terminal=1: .process.terminal: expected a boolean, got "
         "1",
         "number is not a boolean");
  is_str(refusal("linux.uidMappings=[{}]", NULL),
         "--set linux.uidMappings=[{}]: .linux.uidMappings[0].containerID: "
         "required field missing",
         "a required field of an object given");
  is_str(refusal("hostname=x", "process.args=[]"),
         "--set process.args=[]: .process.args: must not be empty",
         "the second of two");
}

int main(void) {
  test_values();
  test_refusals();
  return tap_done();
}
