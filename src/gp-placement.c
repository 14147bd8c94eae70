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
by_distance (gconstpointer pa, gconstpointer pb, gpointer data)
{
  guint a = *(const guint *) pa, b = *(const guint *) pb;

  return (gint) distance (data, a) - (gint) distance (data, b);
}

static gint
compare_uint (gconstpointer pa, gconstpointer pb, gpointer data)
{
  guint a = GPOINTER_TO_UINT (pa), b = GPOINTER_TO_UINT (pb);

  return a < b ? -1 : a > b;
}

static gint
compare_uint_descending (gconstpointer pa, gconstpointer pb, gpointer data)
{
  return compare_uint (pb, pa, data);
}

/* The hosts are kept in buckets by bricks remaining (most first), each
 * bucket ordered by host index. A group takes hosts bucket by bucket,
 * each bucket in index order starting at the cursor and wrapping around:
 * the order of sorting every host by (remaining, distance from the
 * cursor), without sorting them all for every group. Placing B bricks on
 * H hosts costs O(B log H) instead of O(B/replica * H log H). */

static void
bucket_add (GTree *buckets, guint remaining, guint host)
{
  GTree *bucket = g_tree_lookup (buckets, GUINT_TO_POINTER (remaining));

  if (bucket == NULL)
    {
      bucket = g_tree_new_with_data (compare_uint, NULL);
      g_tree_insert (buckets, GUINT_TO_POINTER (remaining), bucket);
    }
  g_tree_insert (bucket, GUINT_TO_POINTER (host), NULL);
}

static void
bucket_remove (GTree *buckets, guint remaining, guint host)
{
  GTree *bucket = g_tree_lookup (buckets, GUINT_TO_POINTER (remaining));

  g_tree_remove (bucket, GUINT_TO_POINTER (host));
  if (g_tree_nnodes (bucket) == 0)
    g_tree_remove (buckets, GUINT_TO_POINTER (remaining));
}

/* Fills @group with the @replica hosts to use next; FALSE when fewer than
 * @replica hosts have bricks left. */
static gboolean
choose_group (GTree *buckets, const Order *order, guint replica, guint *group)
{
  GTreeNode *b, *start, *h;
  guint n = 0;

  for (b = g_tree_node_first (buckets); b && n < replica; b = g_tree_node_next (b))
    {
      GTree *bucket = g_tree_node_value (b);

      start = g_tree_lower_bound (bucket, GUINT_TO_POINTER (order->cursor));
      for (h = start; h && n < replica; h = g_tree_node_next (h))
        group[n++] = GPOINTER_TO_UINT (g_tree_node_key (h));
      for (h = g_tree_node_first (bucket); h && h != start && n < replica; h = g_tree_node_next (h))
        group[n++] = GPOINTER_TO_UINT (g_tree_node_key (h));
    }
  return n == replica;
}

GStrv
gp_volume_bricks (const GpHostBricks *hosts, guint n_hosts, guint replica,
                  GError **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GTree) buckets = NULL;
  g_autofree Slot *slots = NULL;
  g_autofree guint *group = NULL;
  Order order = { 0, 0 };
  guint n_slots = 0, i;

  if (replica == 0)
    {
      g_set_error_literal (error, GP_ERROR, GP_ERROR_INVALID_ARGUMENT,
                           "replica count must be at least 1");
      return NULL;
    }

  buckets = g_tree_new_full (compare_uint_descending, NULL, NULL,
                             (GDestroyNotify) g_tree_unref);
  slots = g_new0 (Slot, n_hosts ? n_hosts : 1);
  for (i = 0; i < n_hosts; i++)
    {
      guint n = hosts[i].bricks ? g_strv_length ((GStrv) hosts[i].bricks) : 0;

      if (n > 0 && hosts[i].address && hosts[i].address[0])
        {
          slots[i] = (Slot) { .next = 0, .remaining = n };
          bucket_add (buckets, n, i);
          n_slots++;
        }
    }
  if (n_slots < replica)
    {
      g_set_error (error, GP_ERROR, GP_ERROR_INSUFFICIENT_PEERS,
                   "%u host%s with an address and bricks, but replica %u needs "
                   "at least %u", n_slots, n_slots == 1 ? "" : "s", replica, replica);
      return NULL;
    }

  order.n_hosts = n_hosts;
  group = g_new0 (guint, replica);
  while (choose_group (buckets, &order, replica, group))
    {
      g_qsort_with_data (group, (gint) replica, sizeof (guint), by_distance, &order);
      for (i = 0; i < replica; i++)
        {
          const GpHostBricks *h = &hosts[group[i]];
          Slot *slot = &slots[group[i]];

          g_ptr_array_add (out, g_strconcat (h->address, ":", h->bricks[slot->next], NULL));
          bucket_remove (buckets, slot->remaining, group[i]);
          slot->next++;
          if (--slot->remaining > 0)
            bucket_add (buckets, slot->remaining, group[i]);
        }
      order.cursor = (group[replica - 1] + 1) % n_hosts;
    }
  g_ptr_array_add (out, NULL);
  return (GStrv) g_ptr_array_steal (out, NULL);
}
