#include "config.h"

#include <string.h>

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

typedef struct _Bucket Bucket;

typedef struct {
  guint next;       /* next brick of this host to place */
  guint remaining;
  Bucket *bucket;   /* the bucket of @remaining; NULL once it is 0 */
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

/* Groups are small: insertion sort, unless a replica count makes it not. */
static void
sort_group (guint *group, guint replica, const Order *order)
{
  if (replica > 8)
    {
      g_qsort_with_data (group, (gint) replica, sizeof (guint), by_distance, (gpointer) order);
      return;
    }
  for (guint i = 1; i < replica; i++)
    {
      guint host = group[i], key = distance (order, host), j;

      for (j = i; j > 0 && distance (order, group[j - 1]) > key; j--)
        group[j] = group[j - 1];
      group[j] = host;
    }
}

/* The hosts are kept in buckets by bricks remaining, in a list most
 * first; a bucket is a bitmap of host indices. A group takes hosts bucket
 * by bucket, each bucket in index order starting at the cursor and
 * wrapping around: the order of sorting every host by (remaining,
 * distance from the cursor), without sorting them all for every group.
 * A host used moves to the bucket just below, so the list stays sorted
 * without searching; emptied bitmaps (all zero) are kept for reuse. */

#define NO_HOST G_MAXUINT

struct _Bucket {
  guint remaining;
  guint count;
  Bucket *prev, *next;
  guint64 *bits;
};

typedef struct {
  Bucket *head;     /* the most bricks remaining */
  GPtrArray *spare; /* emptied buckets, bits all zero */
  GPtrArray *all;
  guint n_words;
} Buckets;

static void
buckets_clear (Buckets *buckets)
{
  for (guint i = 0; i < buckets->all->len; i++)
    {
      Bucket *bucket = buckets->all->pdata[i];

      g_free (bucket->bits);
      g_free (bucket);
    }
  g_ptr_array_unref (buckets->all);
  g_ptr_array_unref (buckets->spare);
}

/* A new empty bucket of @remaining, linked after @prev (NULL: at the head). */
static Bucket *
bucket_insert_after (Buckets *buckets, Bucket *prev, guint remaining)
{
  Bucket *bucket;

  if (buckets->spare->len > 0)
    bucket = g_ptr_array_steal_index_fast (buckets->spare, buckets->spare->len - 1);
  else
    {
      bucket = g_new0 (Bucket, 1);
      bucket->bits = g_new0 (guint64, buckets->n_words);
      g_ptr_array_add (buckets->all, bucket);
    }
  bucket->remaining = remaining;
  bucket->prev = prev;
  bucket->next = prev ? prev->next : buckets->head;
  if (bucket->next)
    bucket->next->prev = bucket;
  if (prev)
    prev->next = bucket;
  else
    buckets->head = bucket;
  return bucket;
}

static void
bucket_add (Bucket *bucket, guint host)
{
  bucket->bits[host / 64] |= G_GUINT64_CONSTANT (1) << (host % 64);
  bucket->count++;
}

static void
bucket_remove (Buckets *buckets, Bucket *bucket, guint host)
{
  bucket->bits[host / 64] &= ~(G_GUINT64_CONSTANT (1) << (host % 64));
  if (--bucket->count > 0)
    return;
  if (bucket->prev)
    bucket->prev->next = bucket->next;
  else
    buckets->head = bucket->next;
  if (bucket->next)
    bucket->next->prev = bucket->prev;
  g_ptr_array_add (buckets->spare, bucket);
}

/* The first host at or after @from in @bucket, or NO_HOST. */
static guint
bucket_next (const Buckets *buckets, const Bucket *bucket, guint from)
{
  guint w = from / 64;
  guint64 word;

  if (w >= buckets->n_words)
    return NO_HOST;
  word = bucket->bits[w] & (~G_GUINT64_CONSTANT (0) << (from % 64));
  while (word == 0)
    {
      if (++w == buckets->n_words)
        return NO_HOST;
      word = bucket->bits[w];
    }
  return w * 64 + (guint) __builtin_ctzll (word);
}

/* Fills @group with the @replica hosts to use next; FALSE when fewer than
 * @replica hosts have bricks left. */
static gboolean
choose_group (const Buckets *buckets, const Order *order, guint replica, guint *group)
{
  const Bucket *b;
  guint n = 0, h;

  for (b = buckets->head; b && n < replica; b = b->next)
    {
      for (h = bucket_next (buckets, b, order->cursor); h != NO_HOST && n < replica;
           h = bucket_next (buckets, b, h + 1))
        group[n++] = h;
      for (h = bucket_next (buckets, b, 0); h < order->cursor && n < replica;
           h = bucket_next (buckets, b, h + 1))
        group[n++] = h;
    }
  return n == replica;
}

/* @slot's host used once: into the bucket just below, made when missing. */
static void
slot_use (Buckets *buckets, Slot *slot, guint host)
{
  Bucket *from = slot->bucket;

  slot->next++;
  slot->remaining--;
  slot->bucket = NULL;
  if (slot->remaining > 0)
    {
      slot->bucket = from->next;
      if (slot->bucket == NULL || slot->bucket->remaining != slot->remaining)
        slot->bucket = bucket_insert_after (buckets, from, slot->remaining);
      bucket_add (slot->bucket, host);
    }
  bucket_remove (buckets, from, host);
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

/* The first unit of @host: a list known distinct is taken as it is, a
 * short one is checked against itself, cheaper than any table. */
#define SHORT_LIST 16

static void
host_add_first_bricks (Host *host, GHashTable *scratch, const GpHostBricks *unit)
{
  const char *const *bricks = unit->bricks;
  guint n = g_strv_length ((GStrv) bricks), i, j;

  if (unit->distinct)
    {
      for (i = 0; i < n; i++)
        g_ptr_array_add (host->bricks, (gpointer) bricks[i]);
      return;
    }
  if (n > SHORT_LIST)
    {
      g_hash_table_remove_all (scratch);
      host_add_bricks (host, scratch, bricks);
      return;
    }
  for (i = 0; i < n; i++)
    {
      for (j = 0; j < i && strcmp (bricks[j], bricks[i]) != 0; j++)
        ;
      if (j == i)
        g_ptr_array_add (host->bricks, (gpointer) bricks[i]);
    }
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
          host_add_first_bricks (host, scratch, &units[i]);
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

/* "address:/brick" for the @i-th brick of @host. */
static char *
host_brick (const Host *host, guint i)
{
  const char *brick = g_ptr_array_index (host->bricks, i);
  gsize address_len = strlen (host->address), brick_len = strlen (brick);
  char *text = g_malloc (address_len + 1 + brick_len + 1);

  memcpy (text, host->address, address_len);
  text[address_len] = ':';
  memcpy (text + address_len + 1, brick, brick_len + 1);
  return text;
}

static gint
by_bricks_descending (gconstpointer pa, gconstpointer pb, gpointer data)
{
  GPtrArray *hosts = data;
  guint a = ((Host *) hosts->pdata[*(const guint *) pa])->bricks->len;
  guint b = ((Host *) hosts->pdata[*(const guint *) pb])->bricks->len;

  return a > b ? -1 : a < b;
}

/* A slot per host, each in the bucket of its brick count. */
static Slot *
slots_new (GPtrArray *hosts, Buckets *buckets, guint *n_bricks)
{
  g_autofree guint *by_count = g_new (guint, hosts->len);
  Slot *slots = g_new0 (Slot, hosts->len);
  Bucket *last = NULL;

  buckets->n_words = (hosts->len + 63) / 64;
  buckets->all = g_ptr_array_new ();
  buckets->spare = g_ptr_array_new ();
  *n_bricks = 0;
  for (guint i = 0; i < hosts->len; i++)
    by_count[i] = i;
  g_qsort_with_data (by_count, (gint) hosts->len, sizeof (guint), by_bricks_descending, hosts);
  for (guint i = 0; i < hosts->len; i++)
    {
      guint host = by_count[i];
      Slot *slot = &slots[host];

      slot->remaining = ((Host *) hosts->pdata[host])->bricks->len;
      *n_bricks += slot->remaining;
      if (slot->remaining == 0)
        continue;
      if (last == NULL || last->remaining != slot->remaining)
        last = bucket_insert_after (buckets, last, slot->remaining);
      slot->bucket = last;
      bucket_add (last, host);
    }
  return slots;
}

GStrv
gp_volume_bricks (const GpHostBricks *units, guint n_units, guint replica,
                  GError **error)
{
  g_autoptr(GPtrArray) out = NULL;
  g_autoptr(GPtrArray) hosts = NULL;
  Buckets buckets = { NULL, NULL, NULL, 0 };
  g_autofree Slot *slots = NULL;
  g_autofree guint *group = NULL;
  Order order = { 0, 0 };
  guint i, n_bricks;

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

  slots = slots_new (hosts, &buckets, &n_bricks);
  out = g_ptr_array_new_full (n_bricks + 1, g_free);
  order.n_hosts = hosts->len;
  group = g_new0 (guint, replica);
  while (choose_group (&buckets, &order, replica, group))
    {
      sort_group (group, replica, &order);
      for (i = 0; i < replica; i++)
        {
          Host *host = g_ptr_array_index (hosts, group[i]);
          Slot *slot = &slots[group[i]];

          g_ptr_array_add (out, host_brick (host, slot->next));
          slot_use (&buckets, slot, group[i]);
        }
      order.cursor = (group[replica - 1] + 1) % order.n_hosts;
    }
  buckets_clear (&buckets);
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
