/* Unit tests of gp_volume_bricks(): replica placement for "gluster volume
 * create". The optimum is computed here independently of the library: by
 * exhaustive search for tiny inputs, and by the counting bound (k groups
 * are possible iff the hosts hold sum(min(bricks, k)) >= replica * k, since
 * a host can join each group at most once) for the rest; the exhaustive
 * search also checks the bound. */
#include "config.h"

#include <glib.h>
#include <string.h>

#include "gp-bricks.h"
#include "gp-error.h"

#define MAX_HOSTS 48

typedef enum {
  ADDRESS_SET,
  ADDRESS_EMPTY,
  ADDRESS_NULL,
} AddressKind;

typedef struct {
  guint n_hosts;
  guint counts[MAX_HOSTS];
  gboolean eligible[MAX_HOSTS];
  char *addresses[MAX_HOSTS];
  GStrv bricks[MAX_HOSTS];
  GpHostBricks hosts[MAX_HOSTS];
} Config;

static void
config_free (Config *c)
{
  guint i;

  for (i = 0; i < c->n_hosts; i++)
    {
      g_free (c->addresses[i]);
      g_strfreev (c->bricks[i]);
    }
  g_free (c);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Config, config_free)

/* Host i is at 10.0.<i>.1 with bricks /srv/h<i>/b<j>. @kinds may be NULL:
 * every host has an address. A host without bricks alternates between a
 * NULL and an empty list, so both are covered. */
static Config *
config_new (guint n_hosts, const guint *counts, const AddressKind *kinds)
{
  Config *c = g_new0 (Config, 1);
  guint i, j;

  g_assert_cmpuint (n_hosts, <=, MAX_HOSTS);
  c->n_hosts = n_hosts;
  for (i = 0; i < n_hosts; i++)
    {
      AddressKind kind = kinds ? kinds[i] : ADDRESS_SET;

      c->counts[i] = counts[i];
      c->addresses[i] = kind == ADDRESS_SET ? g_strdup_printf ("10.0.%u.1", i)
                        : kind == ADDRESS_EMPTY ? g_strdup ("") : NULL;
      if (counts[i] > 0 || i % 2 == 0)
        {
          c->bricks[i] = g_new0 (char *, counts[i] + 1);
          for (j = 0; j < counts[i]; j++)
            c->bricks[i][j] = g_strdup_printf ("/srv/h%u/b%u", i, j);
        }
      c->eligible[i] = kind == ADDRESS_SET && counts[i] > 0;
      c->hosts[i] = (GpHostBricks) { c->addresses[i], (const char *const *) c->bricks[i] };
    }
  return c;
}

static guint
n_eligible (const Config *c)
{
  guint i, n = 0;

  for (i = 0; i < c->n_hosts; i++)
    n += c->eligible[i];
  return n;
}

/* The largest k with sum(min(count, k)) >= replica * k over eligible hosts. */
static guint
optimum_by_bound (const Config *c, guint replica)
{
  guint i, k, total = 0;

  for (i = 0; i < c->n_hosts; i++)
    total += c->eligible[i] ? c->counts[i] : 0;
  for (k = total / replica; k > 0; k--)
    {
      guint sum = 0;

      for (i = 0; i < c->n_hosts; i++)
        sum += c->eligible[i] ? MIN (c->counts[i], k) : 0;
      if (sum >= replica * k)
        return k;
    }
  return 0;
}

/* Exhaustive search over which hosts form the next group, for up to
 * TINY_HOSTS hosts of up to TINY_BRICKS bricks; memoised on the sorted
 * counts, which is all that matters. */
#define TINY_HOSTS 5
#define TINY_BRICKS 3

typedef struct {
  guint replica;
  guint8 memo[1 << (2 * TINY_HOSTS)];
} Brute;

static gint
descending (gconstpointer a, gconstpointer b)
{
  return (gint) *(const guint *) b - (gint) *(const guint *) a;
}

static guint
popcount (guint v)
{
  guint n = 0;

  for (; v; v &= v - 1)
    n++;
  return n;
}

static guint
brute_force (Brute *b, const guint *counts)
{
  guint sorted[TINY_HOSTS];
  guint key = 0, best = 0, i, mask;

  memcpy (sorted, counts, sizeof sorted);
  qsort (sorted, TINY_HOSTS, sizeof (guint), descending);
  for (i = 0; i < TINY_HOSTS; i++)
    key |= sorted[i] << (2 * i);
  if (b->memo[key] != 0xff)
    return b->memo[key];

  for (mask = 1; mask < (1u << TINY_HOSTS); mask++)
    {
      guint next[TINY_HOSTS];
      gboolean possible = popcount (mask) == b->replica;

      for (i = 0; i < TINY_HOSTS && possible; i++)
        {
          next[i] = sorted[i];
          if (mask & (1u << i))
            {
              possible = sorted[i] > 0;
              next[i]--;
            }
        }
      if (possible)
        best = MAX (best, 1 + brute_force (b, next));
    }
  b->memo[key] = (guint8) best;
  return best;
}

/* The contract's invariants on @out, and that it has @groups groups. */
static void
check_placement (const Config *c, guint replica, GStrv out, guint groups)
{
  g_autoptr(GHashTable) where = g_hash_table_new_full (g_str_hash, g_str_equal,
                                                       g_free, NULL);
  g_autoptr(GHashTable) used = g_hash_table_new (g_str_hash, g_str_equal);
  guint next[MAX_HOSTS] = { 0 };
  guint i, j, len;

  for (i = 0; i < c->n_hosts; i++)
    for (j = 0; c->eligible[i] && j < c->counts[i]; j++)
      g_hash_table_insert (where,
                           g_strdup_printf ("%s:%s", c->addresses[i], c->bricks[i][j]),
                           GUINT_TO_POINTER ((i << 16 | j) + 1));

  g_assert_nonnull (out);
  len = g_strv_length (out);
  g_assert_cmpuint (len % replica, ==, 0);
  g_assert_cmpuint (len / replica, ==, groups);
  for (i = 0; i < len; i += replica)
    {
      gboolean in_group[MAX_HOSTS] = { FALSE };

      for (j = i; j < i + replica; j++)
        {
          guint v = GPOINTER_TO_UINT (g_hash_table_lookup (where, out[j]));
          guint host = (v - 1) >> 16, brick = (v - 1) & 0xffff;

          /* Only real bricks of hosts with an address, each once... */
          g_assert_cmpuint (v, !=, 0);
          g_assert_true (g_hash_table_add (used, out[j]));
          /* ...on replica distinct hosts per group... */
          g_assert_false (in_group[host]);
          in_group[host] = TRUE;
          /* ...and each host's bricks in the order it listed them. */
          g_assert_cmpuint (brick, ==, next[host]);
          next[host]++;
        }
    }
}

static void
expect_insufficient (const Config *c, guint replica)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) out = gp_volume_bricks (c->hosts, c->n_hosts, replica, &error);

  g_assert_error (error, GP_ERROR, GP_ERROR_INSUFFICIENT_PEERS);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_null (out);
}

/* Places @c and checks it against the optimum; the optimum. */
static guint
check_config (const Config *c, guint replica)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) out = NULL;
  guint best;

  if (n_eligible (c) < replica)
    {
      expect_insufficient (c, replica);
      return 0;
    }
  best = optimum_by_bound (c, replica);
  out = gp_volume_bricks (c->hosts, c->n_hosts, replica, &error);
  g_assert_no_error (error);
  check_placement (c, replica, out, best);
  return best;
}

static void
test_replica_zero (void)
{
  const guint counts[] = { 2, 2, 2 };
  g_autoptr(Config) c = config_new (G_N_ELEMENTS (counts), counts, NULL);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) out = gp_volume_bricks (c->hosts, c->n_hosts, 0, &error);
  g_auto(GStrv) none = NULL;

  g_assert_error (error, GP_ERROR, GP_ERROR_INVALID_ARGUMENT);
  g_assert_null (out);
  g_clear_error (&error);

  none = gp_volume_bricks (NULL, 0, 0, &error);
  g_assert_error (error, GP_ERROR, GP_ERROR_INVALID_ARGUMENT);
  g_assert_null (none);
}

static void
test_insufficient (void)
{
  const guint counts[] = { 3, 3, 0, 3, 5 };
  const AddressKind kinds[] = { ADDRESS_SET, ADDRESS_EMPTY, ADDRESS_SET, ADDRESS_NULL,
                                ADDRESS_SET };
  g_autoptr(Config) c = config_new (G_N_ELEMENTS (counts), counts, kinds);
  g_autoptr(Config) empty = config_new (0, NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) out = NULL;

  /* Five hosts, but only two with both an address and bricks. */
  g_assert_cmpuint (n_eligible (c), ==, 2);
  expect_insufficient (c, 3);
  expect_insufficient (c, 5);
  expect_insufficient (empty, 1);
  out = gp_volume_bricks (c->hosts, c->n_hosts, 2, &error);
  g_assert_no_error (error);
  check_placement (c, 2, out, 3);
}

/* Equal brick counts: plain round robin a0 b0 c0 a1 b1 c1 ..., cut to a
 * multiple of replica. */
static void
test_round_robin (void)
{
  guint n, replica, k;

  for (n = 1; n <= 7; n++)
    for (k = 0; k <= 4; k++)
      for (replica = 1; replica <= n + 1; replica++)
        {
          guint counts[MAX_HOSTS];
          g_autoptr(Config) c = NULL;
          g_autoptr(GError) error = NULL;
          g_auto(GStrv) out = NULL;
          guint i, len;

          for (i = 0; i < n; i++)
            counts[i] = k;
          c = config_new (n, counts, NULL);
          if (k == 0 || replica > n)
            {
              expect_insufficient (c, replica);
              continue;
            }
          out = gp_volume_bricks (c->hosts, n, replica, &error);
          g_assert_no_error (error);
          len = (n * k / replica) * replica;
          g_assert_cmpuint (g_strv_length (out), ==, len);
          for (i = 0; i < len; i++)
            {
              g_autofree char *expected = g_strdup_printf ("10.0.%u.1:/srv/h%u/b%u",
                                                           i % n, i % n, i / n);
              g_assert_cmpstr (out[i], ==, expected);
            }
        }
}

static void
test_exact (void)
{
  const guint counts[] = { 2, 2, 2 };
  const AddressKind kinds[] = { ADDRESS_SET, ADDRESS_NULL, ADDRESS_SET };
  g_autoptr(Config) c = config_new (G_N_ELEMENTS (counts), counts, kinds);
  const char *skipping[] = { "10.0.0.1:/srv/h0/b0", "10.0.2.1:/srv/h2/b0",
                             "10.0.0.1:/srv/h0/b1", "10.0.2.1:/srv/h2/b1", NULL };
  const char *v6_bricks[] = { "/mnt/vdb1", NULL };
  const char *name_bricks[] = { "/mnt/vdb1", "/mnt/vdc1", NULL };
  const GpHostBricks named[] = {
    { "fe80::1", v6_bricks },
    { "glusterfs-1.local", name_bricks },
  };
  const char *expected[] = { "fe80::1:/mnt/vdb1", "glusterfs-1.local:/mnt/vdb1", NULL };
  const char *one[] = { "glusterfs-1.local:/mnt/vdb1", "glusterfs-1.local:/mnt/vdc1",
                        "fe80::1:/mnt/vdb1", NULL };
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) out = NULL;
  g_auto(GStrv) pair = NULL;
  g_auto(GStrv) single = NULL;

  /* A host without an address drops out of the rotation. */
  out = gp_volume_bricks (c->hosts, c->n_hosts, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (out, skipping);

  pair = gp_volume_bricks (named, G_N_ELEMENTS (named), 2, &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (pair, expected);

  /* Replica 1 is a plain distributed volume: every brick, still spread. */
  single = gp_volume_bricks (named, G_N_ELEMENTS (named), 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (single), ==, 3);
  g_assert_true (g_strv_contains ((const char *const *) single, one[0]));
  g_assert_true (g_strv_contains ((const char *const *) single, one[1]));
  g_assert_true (g_strv_contains ((const char *const *) single, one[2]));
}

/* Skewed hosts, where taking bricks in list order would strand the big
 * host's bricks or starve a group. */
static void
test_skewed (void)
{
  const struct {
    guint counts[6];
    guint n, replica, groups;
  } cases[] = {
    { { 10, 1, 1 }, 3, 2, 2 },
    { { 10, 1, 1 }, 3, 3, 1 },
    { { 1, 1, 10 }, 3, 2, 2 },
    { { 4, 4, 1, 1, 1, 1 }, 6, 3, 4 },
    { { 5, 3, 2 }, 3, 2, 5 },
    { { 6, 1, 1, 1, 1, 1 }, 6, 2, 5 },
    { { 3, 3, 3, 1 }, 4, 3, 3 },
    { { 2, 2, 2, 2, 9 }, 5, 4, 2 },
    { { 100, 100 }, 2, 2, 100 },
  };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(Config) c = config_new (cases[i].n, cases[i].counts, NULL);

      g_assert_cmpuint (optimum_by_bound (c, cases[i].replica), ==, cases[i].groups);
      check_config (c, cases[i].replica);
    }
}

/* Every configuration of up to five hosts with up to three bricks each,
 * against exhaustive search. */
static void
test_exhaustive_tiny (void)
{
  guint replica;

  for (replica = 1; replica <= TINY_HOSTS; replica++)
    {
      g_autofree Brute *b = g_new (Brute, 1);
      guint n, code, n_codes, checked = 0;

      b->replica = replica;
      memset (b->memo, 0xff, sizeof b->memo);
      for (n = 1; n <= TINY_HOSTS; n++)
        {
          n_codes = 1u << (2 * n);
          for (code = 0; code < n_codes; code++)
            {
              guint counts[TINY_HOSTS] = { 0 };
              g_autoptr(Config) c = NULL;
              guint i, best;

              for (i = 0; i < n; i++)
                counts[i] = (code >> (2 * i)) & 3;
              c = config_new (n, counts, NULL);
              best = brute_force (b, counts);
              g_assert_cmpuint (optimum_by_bound (c, replica), ==, best);
              g_assert_cmpuint (check_config (c, replica), ==,
                                n_eligible (c) < replica ? 0 : best);
              checked++;
            }
        }
      g_assert_cmpuint (checked, ==, 4 + 16 + 64 + 256 + 1024);
    }
}

/* Random hosts, some without address or bricks, some with many. */
static void
test_random (void)
{
  guint round, placed = 0;

  for (round = 0; round < 3000; round++)
    {
      guint n = (guint) g_test_rand_int_range (0, round % 10 == 0 ? MAX_HOSTS + 1 : 13);
      guint replica = (guint) g_test_rand_int_range (1, 6);
      guint counts[MAX_HOSTS];
      AddressKind kinds[MAX_HOSTS];
      g_autoptr(Config) c = NULL;
      guint i;

      for (i = 0; i < n; i++)
        {
          gint32 r = g_test_rand_int_range (0, 16);

          counts[i] = (guint) (r == 0 ? g_test_rand_int_range (10, 60)
                               : g_test_rand_int_range (0, 7));
          kinds[i] = r == 1 ? ADDRESS_NULL : r == 2 ? ADDRESS_EMPTY : ADDRESS_SET;
        }
      c = config_new (n, counts, kinds);
      placed += check_config (c, replica) > 0;
    }
  /* The generator must exercise placement, not only refusals. */
  g_assert_cmpuint (placed, >, 1000);
}

/* --- hosts are distinct addresses ------------------------------------------ */

static GStrv
place (const GpHostBricks *units, guint n, guint replica)
{
  g_autoptr(GError) error = NULL;
  GStrv out = gp_volume_bricks (units, n, replica, &error);

  g_assert_no_error (error);
  g_assert_nonnull (out);
  return out;
}

static void
expect_error (const GpHostBricks *units, guint n, guint replica, gint code,
              const char *const *in_message)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) out = gp_volume_bricks (units, n, replica, &error);

  g_assert_error (error, GP_ERROR, code);
  g_assert_null (out);
  for (; in_message && *in_message; in_message++)
    if (strstr (error->message, *in_message) == NULL)
      g_error ("“%s” not in “%s”", *in_message, error->message);
}

/* Two units on one address are one server to gluster: a replica set must
 * never hold both, when a layout on distinct hosts exists. */
static void
test_co_located (void)
{
  const char *e0[] = { "/srv/e0/b1", NULL };
  const char *e1[] = { "/srv/e1/b1", NULL };
  const char *e2[] = { "/srv/e2/b1", NULL };
  const char *e3[] = { "/srv/e3/b1", NULL };
  const GpHostBricks units[] = {
    { "198.51.100.12", e1 },
    { "198.51.100.12", e2 },
    { "198.51.100.13", e0 },
    { "198.51.100.14", e3 },
  };
  /* Counting units as hosts gave (.12 .12) (.13 .14). */
  const char *two[] = { "198.51.100.12:/srv/e1/b1", "198.51.100.13:/srv/e0/b1",
                        "198.51.100.14:/srv/e3/b1", "198.51.100.12:/srv/e2/b1", NULL };
  /* The merged host keeps its units' bricks in order and the first unit's
   * place; with more bricks left, it leads, then round robin. */
  const char *one[] = { "198.51.100.12:/srv/e1/b1", "198.51.100.13:/srv/e0/b1",
                        "198.51.100.14:/srv/e3/b1", "198.51.100.12:/srv/e2/b1", NULL };
  const char *peers[] = { "2 distinct hosts", "replica 3", NULL };
  g_auto(GStrv) pairs = place (units, G_N_ELEMENTS (units), 2);
  g_auto(GStrv) singles = place (units, G_N_ELEMENTS (units), 1);
  g_auto(GStrv) triples = place (units, G_N_ELEMENTS (units), 3);

  g_assert_cmpstrv (pairs, two);
  g_assert_cmpstrv (singles, one);
  g_assert_cmpuint (g_strv_length (triples), ==, 3);
  /* Three units, two addresses: no replica-3 set gluster would take. */
  expect_error (units, 3, 3, GP_ERROR_INSUFFICIENT_PEERS, peers);
}

/* The same export from two units on one address is one brick: gluster
 * refuses "Found duplicate exports" even with force. */
static void
test_duplicate_exports (void)
{
  const char *same[] = { "/srv/gp-e2e/e1/b1", NULL };
  const char *more[] = { "/srv/gp-e2e/e1/b1", "/srv/gp-e2e/e1/b2", NULL };
  const char *other[] = { "/srv/gp-e2e/e1/b1", "/srv/gp-e2e/e1/b2", NULL };
  const GpHostBricks units[] = {
    { "198.51.100.12", same },
    { "198.51.100.12", more },
    { "198.51.100.13", other },
  };
  const char *expected[] = { "198.51.100.12:/srv/gp-e2e/e1/b1", "198.51.100.13:/srv/gp-e2e/e1/b1",
                             "198.51.100.12:/srv/gp-e2e/e1/b2", "198.51.100.13:/srv/gp-e2e/e1/b2",
                             NULL };
  const GpHostBricks alone[] = {
    { "198.51.100.12", same },
    { "198.51.100.12", same },
  };
  const char *once[] = { "198.51.100.12:/srv/gp-e2e/e1/b1", NULL };
  g_auto(GStrv) pairs = place (units, G_N_ELEMENTS (units), 2);
  g_auto(GStrv) single = place (alone, G_N_ELEMENTS (alone), 1);

  g_assert_cmpstrv (pairs, expected);
  g_assert_cmpstrv (single, once);
  expect_error (alone, G_N_ELEMENTS (alone), 2, GP_ERROR_INSUFFICIENT_PEERS, NULL);
}

/* IPv6 is written bare, as gluster takes it; two spellings of one address
 * are one host. */
static void
test_ipv6 (void)
{
  const char *b[] = { "/b", NULL };
  const char *c[] = { "/c", NULL };
  const GpHostBricks units[] = {
    { "[2001:db8::12]", b },
    { "2001:db8::13", b },
    { "2001:DB8:0::12", c },
  };
  const char *expected[] = { "2001:db8::12:/b", "2001:db8::13:/b", NULL };
  const char *all[] = { "2001:db8::12:/b", "2001:db8::13:/b", "2001:db8::12:/c", NULL };
  g_auto(GStrv) pairs = place (units, G_N_ELEMENTS (units), 2);
  g_auto(GStrv) singles = place (units, G_N_ELEMENTS (units), 1);

  g_assert_cmpstrv (pairs, expected);
  g_assert_cmpstrv (singles, all);
  expect_error (units, G_N_ELEMENTS (units), 3, GP_ERROR_INSUFFICIENT_PEERS, NULL);
}

/* transport.address-family is inet or inet6: a list mixing both cannot
 * start, so it is refused naming both groups. Host names go with either;
 * a host without bricks is not in the list and mixes nothing. */
static void
test_mixed_families (void)
{
  const char *b[] = { "/b", NULL };
  const char *none[] = { NULL };
  const GpHostBricks mixed[] = {
    { "198.51.100.1", b },
    { "2001:db8::2", b },
    { "198.51.100.3", b },
  };
  const char *named[] = { "IPv4 (198.51.100.1, 198.51.100.3)", "IPv6 (2001:db8::2)",
                          "transport.address-family", NULL };
  const GpHostBricks with_names[] = {
    { "198.51.100.1", b },
    { "gluster-2.example", b },
  };
  const GpHostBricks v6_with_names[] = {
    { "[2001:db8::1]", b },
    { "gluster-2.example", b },
  };
  const GpHostBricks idle_v4[] = {
    { "2001:db8::1", b },
    { "198.51.100.2", none },
    { "2001:db8::3", b },
  };
  const char *v6_only[] = { "2001:db8::1:/b", "2001:db8::3:/b", NULL };
  g_auto(GStrv) v4_names = place (with_names, G_N_ELEMENTS (with_names), 2);
  g_auto(GStrv) v6_names = place (v6_with_names, G_N_ELEMENTS (v6_with_names), 2);
  g_auto(GStrv) idle = place (idle_v4, G_N_ELEMENTS (idle_v4), 2);

  expect_error (mixed, G_N_ELEMENTS (mixed), 1, GP_ERROR_FAILED, named);
  expect_error (mixed, G_N_ELEMENTS (mixed), 3, GP_ERROR_FAILED, named);
  g_assert_cmpuint (g_strv_length (v4_names), ==, 2);
  g_assert_cmpuint (g_strv_length (v6_names), ==, 2);
  g_assert_cmpstrv (idle, v6_only);
}

/* Random units on a few shared addresses with overlapping brick paths,
 * against hosts merged here independently: each export once, replica
 * sets on distinct addresses, each host's bricks in unit order, and the
 * optimum number of sets. */
static void
test_random_co_located (void)
{
  guint round;

  for (round = 0; round < 2000; round++)
    {
      guint n_units = (guint) g_test_rand_int_range (0, 9);
      guint n_addresses = (guint) g_test_rand_int_range (1, 6);
      guint replica = (guint) g_test_rand_int_range (1, 5);
      g_autoptr(GPtrArray) keep = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
      g_autoptr(GPtrArray) merged = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
      g_autoptr(GHashTable) exports = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_autoptr(GError) error = NULL;
      g_auto(GStrv) out = NULL;
      GpHostBricks units[8];
      char addresses[5][16];
      guint i, j, total = 0, n_hosts = 0, k, best = 0, len;
      guint counts[5] = { 0 }, next[5] = { 0 };

      for (i = 0; i < 5; i++)
        {
          g_snprintf (addresses[i], sizeof addresses[i], "198.51.100.%u", i + 1);
          g_ptr_array_add (merged, g_ptr_array_new_with_free_func (g_free));
        }
      for (i = 0; i < n_units; i++)
        {
          guint a = (guint) g_test_rand_int_range (0, (gint32) n_addresses);
          guint n = (guint) g_test_rand_int_range (0, 4);
          guint first = (guint) g_test_rand_int_range (0, 4);
          GStrv bricks = g_new0 (char *, n + 1);

          /* Distinct within a unit, as normalized lists are; shared across
           * units: /srv/b0../srv/b3 from any start. */
          for (j = 0; j < n; j++)
            bricks[j] = g_strdup_printf ("/srv/b%u", (first + j) % 4);
          g_ptr_array_add (keep, bricks);
          units[i] = (GpHostBricks) { addresses[a], (const char *const *) bricks };
          for (j = 0; j < n; j++)
            {
              g_autofree char *export = g_strdup_printf ("%s:%s", addresses[a], bricks[j]);

              if (g_hash_table_insert (exports, g_steal_pointer (&export), GUINT_TO_POINTER (a + 1)))
                {
                  g_ptr_array_add (g_ptr_array_index (merged, a), g_strdup (bricks[j]));
                  counts[a]++;
                  total++;
                }
            }
        }
      for (i = 0; i < 5; i++)
        n_hosts += counts[i] > 0;
      if (n_hosts < replica)
        {
          expect_error (units, n_units, replica, GP_ERROR_INSUFFICIENT_PEERS, NULL);
          continue;
        }
      for (k = total / replica; k > 0 && best == 0; k--)
        {
          guint sum = 0;

          for (i = 0; i < 5; i++)
            sum += MIN (counts[i], k);
          if (sum >= replica * k)
            best = k;
        }
      out = gp_volume_bricks (units, n_units, replica, &error);
      g_assert_no_error (error);
      len = g_strv_length (out);
      g_assert_cmpuint (len, ==, best * replica);
      for (i = 0; i < len; i += replica)
        {
          gboolean in_set[5] = { FALSE };

          for (j = i; j < i + replica; j++)
            {
              guint host = GPOINTER_TO_UINT (g_hash_table_lookup (exports, out[j]));
              GPtrArray *bricks;

              /* A real export, not placed before. */
              g_assert_cmpuint (host, !=, 0);
              g_hash_table_insert (exports, g_strdup (out[j]), GUINT_TO_POINTER (0));
              host--;
              g_assert_false (in_set[host]);
              in_set[host] = TRUE;
              bricks = g_ptr_array_index (merged, host);
              g_assert_cmpstr (strchr (out[j], ':') + 1, ==, g_ptr_array_index (bricks, next[host]));
              next[host]++;
            }
        }
    }
}

/* The relation-wide problems: shared addresses and mixed families, for
 * every unit with an address, bricks or not. */
static void
test_hosts_problems (void)
{
  const char *b[] = { "/b", NULL };
  const GpHostBricks units[] = {
    { "198.51.100.12", b },
    { "[2001:db8::2]", NULL },
    { "198.51.100.12", NULL },
    { "2001:DB8::2", b },
    { "198.51.100.13", b },
    { "", b },
    { NULL, b },
  };
  const char *names[] = { "glusterfs/0", "glusterfs/1", "glusterfs/2", "glusterfs/3",
                          "glusterfs/4", "glusterfs/5", "glusterfs/6" };
  const char *expected[] = {
    "glusterfs/0, glusterfs/2 share the address 198.51.100.12: gluster takes them for one server",
    "glusterfs/1, glusterfs/3 share the address 2001:db8::2: gluster takes them for one server",
    "hosts mix IPv4 (198.51.100.12, 198.51.100.13) and IPv6 (2001:db8::2); gluster's "
    "transport.address-family takes one",
    NULL,
  };
  const char *none[] = { NULL };
  g_auto(GStrv) problems = gp_hosts_problems (units, names, G_N_ELEMENTS (units));
  g_auto(GStrv) fine = gp_hosts_problems (units + 4, names + 4, 3);
  g_auto(GStrv) empty = gp_hosts_problems (NULL, NULL, 0);

  g_assert_cmpstrv (problems, expected);
  g_assert_cmpstrv (fine, none);
  g_assert_cmpstrv (empty, none);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/placement/replica-zero", test_replica_zero);
  g_test_add_func ("/placement/insufficient-peers", test_insufficient);
  g_test_add_func ("/placement/round-robin", test_round_robin);
  g_test_add_func ("/placement/exact", test_exact);
  g_test_add_func ("/placement/skewed", test_skewed);
  g_test_add_func ("/placement/exhaustive-tiny", test_exhaustive_tiny);
  g_test_add_func ("/placement/random", test_random);
  g_test_add_func ("/placement/hosts/co-located", test_co_located);
  g_test_add_func ("/placement/hosts/duplicate-exports", test_duplicate_exports);
  g_test_add_func ("/placement/hosts/ipv6", test_ipv6);
  g_test_add_func ("/placement/hosts/mixed-families", test_mixed_families);
  g_test_add_func ("/placement/hosts/random-co-located", test_random_co_located);
  g_test_add_func ("/placement/hosts/problems", test_hosts_problems);

  return g_test_run ();
}
