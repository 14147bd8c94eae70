#include "config.h"

#include "gp-bricks.h"
#include "gp-error.h"

/* Replica placement for "gluster volume create": each group of @replica
 * consecutive bricks must sit on @replica distinct hosts, or gluster refuses
 * the volume (or, forced, loses redundancy).
 *
 * Greedy by remaining bricks gives the largest number of complete groups
 * (using a host with the most bricks left is never worse than using one
 * with fewer). Ties go to the host nearest after the last one used, which
 * makes hosts with equal brick counts come out in plain round-robin order:
 * a0 b0 c0 a1 b1 c1 ... */

typedef struct {
  guint host;
  guint next;       /* next brick of this host to place */
  guint remaining;
} Slot;

typedef struct {
  guint n_hosts;
  guint cursor;     /* host after the last one used */
} Order;

static guint
distance (const Order *order, guint host)
{
  return (host + order->n_hosts - order->cursor) % order->n_hosts;
}

static gint
by_remaining_then_distance (gconstpointer pa, gconstpointer pb, gpointer data)
{
  const Slot *a = pa, *b = pb;

  if (a->remaining != b->remaining)
    return a->remaining > b->remaining ? -1 : 1;
  return (gint) distance (data, a->host) - (gint) distance (data, b->host);
}

static gint
by_distance (gconstpointer pa, gconstpointer pb, gpointer data)
{
  const Slot *a = pa, *b = pb;

  return (gint) distance (data, a->host) - (gint) distance (data, b->host);
}

GStrv
gp_volume_bricks (const GpHostBricks *hosts, guint n_hosts, guint replica,
                  GError **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
  g_autofree Slot *slots = NULL;
  g_autofree Slot *group = NULL;
  Order order = { 0, 0 };
  guint n_slots = 0, i;

  if (replica == 0)
    {
      g_set_error_literal (error, GP_ERROR, GP_ERROR_INVALID_ARGUMENT,
                           "replica count must be at least 1");
      return NULL;
    }

  slots = g_new0 (Slot, n_hosts ? n_hosts : 1);
  for (i = 0; i < n_hosts; i++)
    {
      guint n = hosts[i].bricks ? g_strv_length ((GStrv) hosts[i].bricks) : 0;

      if (n > 0 && hosts[i].address && hosts[i].address[0])
        slots[n_slots++] = (Slot) { .host = i, .next = 0, .remaining = n };
    }
  if (n_slots < replica)
    {
      g_set_error (error, GP_ERROR, GP_ERROR_INSUFFICIENT_PEERS,
                   "%u host%s with an address and bricks, but replica %u needs "
                   "at least %u", n_slots, n_slots == 1 ? "" : "s", replica, replica);
      return NULL;
    }

  order.n_hosts = n_hosts;
  group = g_new0 (Slot, replica);
  for (;;)
    {
      g_qsort_with_data (slots, (gint) n_slots, sizeof (Slot),
                         by_remaining_then_distance, &order);
      if (slots[replica - 1].remaining == 0)
        break;

      for (i = 0; i < replica; i++)
        group[i] = slots[i];
      g_qsort_with_data (group, (gint) replica, sizeof (Slot), by_distance, &order);
      for (i = 0; i < replica; i++)
        {
          const GpHostBricks *h = &hosts[group[i].host];

          g_ptr_array_add (out, g_strdup_printf ("%s:%s", h->address,
                                                 h->bricks[group[i].next]));
        }
      for (i = 0; i < replica; i++)
        {
          slots[i].next++;
          slots[i].remaining--;
        }
      order.cursor = (group[replica - 1].host + 1) % n_hosts;
    }
  g_ptr_array_add (out, NULL);
  return (GStrv) g_ptr_array_steal (out, NULL);
}
