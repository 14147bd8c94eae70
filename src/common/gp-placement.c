#include "config.h"

#include "gp-bricks.h"
#include "gp-error.h"
#include "gp-names.h"

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

/* One host: every unit at one address, bricks merged in unit order. */
typedef struct {
  char *address;          /* the first unit's spelling, bare */
  GpAddressFamily family;
  GPtrArray *bricks;      /* borrowed from the units' lists */
  GHashTable *seen;       /* the same bricks, once a second unit joins */
  GPtrArray *names;       /* borrowed unit names, for gp_hosts_problems() */
} Host;

static void
host_free (Host *host)
{
  g_free (host->address);
  g_ptr_array_unref (host->bricks);
  g_clear_pointer (&host->seen, g_hash_table_unref);
  g_clear_pointer (&host->names, g_ptr_array_unref);
  g_free (host);
}

/* The host of @address, added to @hosts (in order) and @by_key when new;
 * NULL for a missing or invalid address. */
static Host *
host_for (GHashTable *by_key, GPtrArray *hosts, const char *address)
{
  g_autofree char *key = address ? gp_address_host_key (address) : NULL;
  Host *host;

  if (key == NULL)
    return NULL;
  host = g_hash_table_lookup (by_key, key);
  if (host == NULL)
    {
      host = g_new0 (Host, 1);
      host->address = gp_address_bare (address, &host->family);
      host->bricks = g_ptr_array_new ();
      g_hash_table_insert (by_key, g_steal_pointer (&key), host);
      g_ptr_array_add (hosts, host);
    }
  return host;
}

/* Appends the bricks of @bricks not in @seen to @host. */
static void
host_add_bricks (Host *host, GHashTable *seen, const char *const *bricks)
{
  for (; *bricks; bricks++)
    if (g_hash_table_add (seen, (gpointer) *bricks))
      g_ptr_array_add (host->bricks, (gpointer) *bricks);
}

/* Units sharing an address are one host to gluster ("Multiple bricks of a
 * replicate volume are present on the same server") and one export is one
 * brick ("Found duplicate exports"): merge them, in the order given. Units
 * without a valid address or without bricks place nothing. Most hosts are
 * one unit: their bricks are checked against one scratch table, and a
 * host gets a table of its own only when a second unit joins it. */
static GPtrArray *
merge_hosts (const GpHostBricks *units, guint n_units)
{
  g_autoptr(GHashTable) by_key = g_hash_table_new_full (g_str_hash, g_str_equal,
                                                        g_free, NULL);
  g_autoptr(GHashTable) scratch = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *hosts = g_ptr_array_new_with_free_func ((GDestroyNotify) host_free);
  guint i, j;

  for (i = 0; i < n_units; i++)
    {
      Host *host;

      if (units[i].bricks == NULL || units[i].bricks[0] == NULL ||
          (host = host_for (by_key, hosts, units[i].address)) == NULL)
        continue;
      if (host->bricks->len == 0)
        {
          g_hash_table_remove_all (scratch);
          host_add_bricks (host, scratch, units[i].bricks);
          continue;
        }
      if (host->seen == NULL)
        {
          host->seen = g_hash_table_new (g_str_hash, g_str_equal);
          for (j = 0; j < host->bricks->len; j++)
            g_hash_table_add (host->seen, host->bricks->pdata[j]);
        }
      host_add_bricks (host, host->seen, units[i].bricks);
    }
  return hosts;
}

/* "a, b, c, …": the first few addresses of @family, for a message. */
static char *
list_family (GPtrArray *hosts, GpAddressFamily family, guint *count)
{
  g_autoptr(GString) text = g_string_new (NULL);
  guint i, n = 0;

  for (i = 0; i < hosts->len; i++)
    {
      Host *host = g_ptr_array_index (hosts, i);

      if (host->family != family)
        continue;
      if (n < 3)
        g_string_append_printf (text, "%s%s", n ? ", " : "", host->address);
      else if (n == 3)
        g_string_append (text, ", …");
      n++;
    }
  *count = n;
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* Gluster's transport.address-family is inet or inet6, never both: a list
 * mixing them fails at "volume start" whichever is set. Host names may
 * resolve to either, so they go with both. */
static gboolean
check_families (GPtrArray *hosts, GError **error)
{
  guint n4, n6;
  g_autofree char *v4 = list_family (hosts, GP_ADDRESS_IPV4, &n4);
  g_autofree char *v6 = list_family (hosts, GP_ADDRESS_IPV6, &n6);

  if (n4 == 0 || n6 == 0)
    return TRUE;
  g_set_error (error, GP_ERROR, GP_ERROR_FAILED,
               "hosts mix IPv4 (%s) and IPv6 (%s); gluster's "
               "transport.address-family takes one", v4, v6);
  return FALSE;
}

GStrv
gp_volume_bricks (const GpHostBricks *units, guint n_units, guint replica,
                  GError **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) hosts = NULL;
  g_autoptr(GTree) buckets = NULL;
  g_autofree Slot *slots = NULL;
  g_autofree guint *group = NULL;
  Order order = { 0, 0 };
  guint i;

  if (replica == 0)
    {
      g_set_error_literal (error, GP_ERROR, GP_ERROR_INVALID_ARGUMENT,
                           "replica count must be at least 1");
      return NULL;
    }
  hosts = merge_hosts (units, n_units);
  if (!check_families (hosts, error))
    return NULL;
  if (hosts->len < replica)
    {
      g_set_error (error, GP_ERROR, GP_ERROR_INSUFFICIENT_PEERS,
                   "%u distinct host%s with an address and bricks, but replica %u "
                   "needs at least %u", hosts->len, hosts->len == 1 ? "" : "s",
                   replica, replica);
      return NULL;
    }

  buckets = g_tree_new_full (compare_uint_descending, NULL, NULL,
                             (GDestroyNotify) g_tree_unref);
  slots = g_new0 (Slot, hosts->len);
  for (i = 0; i < hosts->len; i++)
    {
      Host *host = g_ptr_array_index (hosts, i);

      slots[i] = (Slot) { .next = 0, .remaining = host->bricks->len };
      bucket_add (buckets, host->bricks->len, i);
    }

  order.n_hosts = hosts->len;
  group = g_new0 (guint, replica);
  while (choose_group (buckets, &order, replica, group))
    {
      g_qsort_with_data (group, (gint) replica, sizeof (guint), by_distance, &order);
      for (i = 0; i < replica; i++)
        {
          Host *host = g_ptr_array_index (hosts, group[i]);
          Slot *slot = &slots[group[i]];

          g_ptr_array_add (out, g_strconcat (host->address, ":",
                                             g_ptr_array_index (host->bricks, slot->next),
                                             NULL));
          bucket_remove (buckets, slot->remaining, group[i]);
          slot->next++;
          if (--slot->remaining > 0)
            bucket_add (buckets, slot->remaining, group[i]);
        }
      order.cursor = (group[replica - 1] + 1) % order.n_hosts;
    }
  g_ptr_array_add (out, NULL);
  return (GStrv) g_ptr_array_steal (out, NULL);
}

GStrv
gp_hosts_problems (const GpHostBricks *units, const char *const *names, guint n_units)
{
  g_autoptr(GHashTable) by_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) hosts = g_ptr_array_new_with_free_func ((GDestroyNotify) host_free);
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  guint i;

  for (i = 0; i < n_units; i++)
    {
      Host *host = host_for (by_key, hosts, units[i].address);

      if (host == NULL)
        continue;
      if (host->names == NULL)
        host->names = g_ptr_array_new ();
      g_ptr_array_add (host->names, (gpointer) names[i]);
    }
  for (i = 0; i < hosts->len; i++)
    {
      Host *host = g_ptr_array_index (hosts, i);
      g_autofree char *list = NULL;

      if (host->names == NULL || host->names->len < 2)
        continue;
      g_ptr_array_add (host->names, NULL);
      list = g_strjoinv (", ", (GStrv) host->names->pdata);
      g_ptr_array_add (problems,
                       g_strdup_printf ("%s share the address %s: gluster takes them for "
                                        "one server", list, host->address));
    }
  if (!check_families (hosts, &error))
    g_ptr_array_add (problems, g_strdup (error->message));
  g_ptr_array_add (problems, NULL);
  return (GStrv) g_ptr_array_steal (problems, NULL);
}
