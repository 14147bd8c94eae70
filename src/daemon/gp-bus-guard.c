/* gp-bus-guard.c: who may call what, decided once for every method of
 * every interface, from the vtables themselves: closed by default. And
 * fair: unprivileged callers' queries wait in a bounded queue, served when
 * no other message waits, so a flood of them neither delays root's hook
 * calls nor grows the daemon without bound. */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include "gp-bus.h"
#include "gp-error.h"

/* Unique names are never reused on a bus, so a sender's uid can be cached;
 * the cache is dropped when it grows, which bounds it against many
 * short-lived clients. */
#define UID_CACHE_MAX 1024

struct _GpBusGuard {
  sd_bus_slot *slot;
  GArray *interfaces;    /* GpBusGuardInterface */
  GHashTable *uid_cache; /* unique name -> uid */
  uid_t own_uid;
  GQueue queue;          /* QueuedCall: unprivileged queries, in order */
  GHashTable *in_flight; /* unique name -> number queued */
  sd_event_source *serve;
};

typedef struct QueuedCall {
  sd_bus_message *message;
  const GpBusGuardInterface *interface;
  const sd_bus_vtable *method;
  gboolean again;        /* its handler asked to be run once more */
  gboolean served_again; /* and this is that run */
} QueuedCall;

/* The queued query whose handler runs: handlers get no guard, and sd-bus
 * has no current slot for them then. One loop, one thread. */
static QueuedCall *serving;

static const sd_bus_vtable *
vtable_find_method (const sd_bus_vtable *vtable, const char *member)
{
  for (const sd_bus_vtable *v = vtable + 1; v->type != _SD_BUS_VTABLE_END; v++)
    if (v->type == _SD_BUS_VTABLE_METHOD && g_strcmp0 (v->x.method.member, member) == 0)
      return v;
  return NULL;
}

/* The method of ours a call reaches (and its interface), NULL if none. A
 * call without an interface may land on any interface with that member:
 * a privileged one wins, so such a call cannot slip past the check. */
static const sd_bus_vtable *
lookup_method (GpBusGuard *self, sd_bus_message *m, const GpBusGuardInterface **out_interface)
{
  const char *interface = sd_bus_message_get_interface (m);
  const char *member = sd_bus_message_get_member (m);
  const sd_bus_vtable *found = NULL;

  for (guint i = 0; i < self->interfaces->len; i++)
    {
      GpBusGuardInterface *entry = &g_array_index (self->interfaces, GpBusGuardInterface, i);
      const sd_bus_vtable *method;

      if (interface && !g_str_equal (interface, entry->interface))
        continue;
      method = vtable_find_method (entry->vtable, member);
      if (method && (found == NULL || !(method->flags & SD_BUS_VTABLE_UNPRIVILEGED)))
        {
          found = method;
          *out_interface = entry;
        }
    }
  return found;
}

static gboolean
sender_uid (GpBusGuard *self, sd_bus_message *m, uid_t *uid)
{
  const char *sender = sd_bus_message_get_sender (m);
  sd_bus_creds *creds = NULL;
  gpointer cached;
  int r;

  if (sender && g_hash_table_lookup_extended (self->uid_cache, sender, NULL, &cached))
    {
      *uid = GPOINTER_TO_UINT (cached);
      return TRUE;
    }
  /* Synchronous, once per client: the bus answers at once, and waiting
   * here keeps every call in the order it arrived. */
  r = sd_bus_query_sender_creds (m, SD_BUS_CREDS_EUID | SD_BUS_CREDS_AUGMENT, &creds);
  if (r >= 0)
    r = sd_bus_creds_get_euid (creds, uid);
  sd_bus_creds_unref (creds);
  if (r < 0)
    {
      g_message ("Could not learn the uid of %s: %s", sender ? sender : "a caller",
                 g_strerror (-r));
      return FALSE;
    }
  if (sender)
    {
      if (g_hash_table_size (self->uid_cache) >= UID_CACHE_MAX)
        g_hash_table_remove_all (self->uid_cache);
      g_hash_table_insert (self->uid_cache, g_strdup (sender), GUINT_TO_POINTER (*uid));
    }
  return TRUE;
}

/* ---- the queue of unprivileged queries ---- */

static void
queued_call_free (QueuedCall *call)
{
  sd_bus_message_unref (call->message);
  g_free (call);
}

static void
in_flight_add (GpBusGuard *self, const char *sender, int delta)
{
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (self->in_flight, sender)) + delta;

  if (n == 0)
    g_hash_table_remove (self->in_flight, sender);
  else
    g_hash_table_replace (self->in_flight, g_strdup (sender), GUINT_TO_POINTER (n));
}

/* Runs one queued query as sd-bus would have: its vtable's handler, with
 * the object its path names. */
static void
serve_one (GpBusGuard *self, QueuedCall *call)
{
  sd_bus_message *m = call->message;
  sd_bus_error error = SD_BUS_ERROR_NULL;
  void *object = call->interface->find
                 ? call->interface->find (sd_bus_message_get_path (m), call->interface->find_data)
                 : NULL;
  int r;

  if (object == NULL)
    {
      sd_bus_reply_method_errorf (m, SD_BUS_ERROR_UNKNOWN_OBJECT, "Unknown object '%s'.",
                                  sd_bus_message_get_path (m));
      return;
    }
  serving = call;
  r = call->method->x.method.handler (m, object, &error);
  serving = NULL;
  if (sd_bus_error_is_set (&error) || r < 0)
    call->again = FALSE; /* answered below */
  if (sd_bus_error_is_set (&error))
    sd_bus_reply_method_error (m, &error);
  else if (r < 0)
    sd_bus_reply_method_errno (m, r, NULL);
  sd_bus_error_free (&error);
}

static int
on_serve (sd_event_source *source, void *user_data)
{
  GpBusGuard *self = user_data;
  QueuedCall *call = g_queue_pop_head (&self->queue);

  if (call)
    {
      serve_one (self, call);
      if (call->again)
        {
          call->again = FALSE;
          call->served_again = TRUE;
          sd_bus_message_rewind (call->message, 1); /* its handler reads it again */
          g_queue_push_head (&self->queue, call);
        }
      else
        {
          in_flight_add (self, sd_bus_message_get_sender (call->message), -1);
          queued_call_free (call);
        }
    }
  if (g_queue_is_empty (&self->queue))
    sd_event_source_set_enabled (source, SD_EVENT_OFF);
  return 0;
}

gboolean
gp_bus_guard_serve_again (sd_bus_message *m)
{
  if (serving == NULL || serving->message != m || serving->served_again)
    return FALSE;
  serving->again = TRUE;
  return TRUE;
}

gboolean
gp_bus_guard_is_served_again (sd_bus_message *m)
{
  return serving && serving->message == m && serving->served_again;
}

/* Takes the query for later, or refuses it when its sender (or everyone)
 * has too many waiting. */
static void
enqueue (GpBusGuard *self, sd_bus_message *m, const GpBusGuardInterface *interface,
         const sd_bus_vtable *method)
{
  const char *sender = sd_bus_message_get_sender (m);
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (self->in_flight, sender));
  QueuedCall *call;

  if (n >= GP_BUS_GUARD_SENDER_QUOTA || self->queue.length >= GP_BUS_GUARD_QUEUE_MAX)
    {
      sd_bus_reply_method_errorf (m, SD_BUS_ERROR_LIMITS_EXCEEDED,
                                  "%s has %u calls in flight; wait for their replies",
                                  sender, n);
      return;
    }
  call = g_new0 (QueuedCall, 1);
  call->message = sd_bus_message_ref (m);
  call->interface = interface;
  call->method = method;
  g_queue_push_tail (&self->queue, call);
  in_flight_add (self, sender, 1);
  sd_event_source_set_enabled (self->serve, SD_EVENT_ON);
}

/* Whether the call's top-level strings are short enough to hold on to:
 * a query's arguments are names and keys. A longer one is an invalid
 * argument, answered at once rather than kept in memory. */
static gboolean
arguments_are_small (sd_bus_message *m)
{
  gsize total = 0;
  char type;
  int r;

  while ((r = sd_bus_message_peek_type (m, &type, NULL)) > 0)
    {
      union { const char *s; uint32_t u; } value;

      if (type != 's' && type != 'u')
        break;
      if (sd_bus_message_read_basic (m, type, &value) <= 0)
        break;
      if (type == 's')
        total += strlen (value.s);
    }
  sd_bus_message_rewind (m, 1);
  return r == 0 && total <= GP_BUS_GUARD_ARGUMENTS_MAX;
}

/* ---- the filter ---- */

static int
guard_filter (sd_bus_message *m, void *user_data, sd_bus_error *ret_error)
{
  GpBusGuard *self = user_data;
  const GpBusGuardInterface *interface = NULL;
  const sd_bus_vtable *method;
  gboolean privileged;
  uid_t uid;

  if (!sd_bus_message_is_method_call (m, NULL, NULL))
    return 0;
  method = lookup_method (self, m, &interface);
  if (method == NULL)
    return 0; /* not ours: sd-bus answers UnknownMethod, or it is standard */
  privileged = sender_uid (self, m, &uid) && (uid == 0 || uid == self->own_uid);
  if (privileged)
    return 0;
  if (!(method->flags & SD_BUS_VTABLE_UNPRIVILEGED))
    {
      g_debug ("Refused %s.%s to %s", sd_bus_message_get_interface (m),
               sd_bus_message_get_member (m), sd_bus_message_get_sender (m));
      sd_bus_reply_method_errorf (m, SD_BUS_ERROR_ACCESS_DENIED,
                                  "%s changes gluster-peer state and is only for root",
                                  sd_bus_message_get_member (m));
      return 1;
    }
  /* A query. With wrong arguments sd-bus refuses it at once, cheaply. */
  if (self->serve == NULL || sd_bus_message_get_sender (m) == NULL ||
      !sd_bus_message_has_signature (m, method->x.method.signature) ||
      !arguments_are_small (m))
    return 0;
  enqueue (self, m, interface, method);
  return 1;
}

GpBusGuard *
gp_bus_guard_new (sd_bus *bus, sd_event *event, const GpBusGuardInterface *interfaces,
                  GError **error)
{
  GpBusGuard *self = g_new0 (GpBusGuard, 1);
  int r = 0;

  self->interfaces = g_array_new (FALSE, FALSE, sizeof (GpBusGuardInterface));
  for (; interfaces->interface; interfaces++)
    g_array_append_val (self->interfaces, *interfaces);
  self->uid_cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->own_uid = geteuid ();
  self->in_flight = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_queue_init (&self->queue);
  /* Idle priority: sd-event runs it only when the bus has no message
   * waiting, so every privileged call is read and answered first. */
  if (event)
    r = sd_event_add_defer (event, &self->serve, on_serve, self);
  if (r >= 0 && self->serve)
    r = sd_event_source_set_priority (self->serve, SD_EVENT_PRIORITY_IDLE);
  if (r >= 0 && self->serve)
    r = sd_event_source_set_enabled (self->serve, SD_EVENT_OFF);
  if (r >= 0)
    r = sd_bus_add_filter (bus, &self->slot, guard_filter, self);
  if (r < 0)
    {
      g_set_error (error, GP_ERROR, GP_ERROR_FAILED, "cannot add the privilege filter: %s",
                   g_strerror (-r));
      gp_bus_guard_free (self);
      return NULL;
    }
  return self;
}

void
gp_bus_guard_free (GpBusGuard *self)
{
  sd_bus_slot_unref (self->slot);
  sd_event_source_disable_unref (self->serve);
  g_queue_clear_full (&self->queue, (GDestroyNotify) queued_call_free);
  g_hash_table_unref (self->in_flight);
  g_array_unref (self->interfaces);
  g_hash_table_unref (self->uid_cache);
  g_free (self);
}
