//! The `funil_` SQL functions pushed-down queries call: numbers as the interpreter's
//! 96-bit decimals, instants and durations, calendar functions in a time zone, decay.
//!
//! Each is a one-statement `LANGUAGE sql` function, `IMMUTABLE`, `STRICT` where a
//! null argument gives null (as every function of §4.5 does), so that PostgreSQL
//! inlines it into the query that calls it; the split hash, a loop over bytes, is
//! PL/pgSQL (installed in every PostgreSQL database by default).

/// The `CREATE OR REPLACE FUNCTION` statements, in dependency order.
pub(crate) const SCRIPT: &str = r#"-- Numbers: exact numeric brought to a 96-bit decimal with at most 28 places,
-- rounded half to even, null out of range (rust_decimal, spec §4.4).
CREATE OR REPLACE FUNCTION funil_round_even(x numeric, places integer) RETURNS numeric
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE
    WHEN abs(x * ('1e' || places)::numeric - trunc(x * ('1e' || places)::numeric)) = 0.5
     AND mod(trunc(x * ('1e' || places)::numeric), 2) = 0 THEN trunc(x, places)
    ELSE round(x, places) END
$$;

CREATE OR REPLACE FUNCTION funil_fit_places(x numeric) RETURNS integer
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN abs(funil_round_even(x, p.s)) * ('1e' || p.s)::numeric
                   < 79228162514264337593543950336 THEN p.s ELSE p.s - 1 END
  FROM (SELECT least(28, 29 - CASE WHEN abs(x) < 1 THEN 0
                                   ELSE length(trunc(abs(x))::text) END) AS s) AS p
$$;

CREATE OR REPLACE FUNCTION funil_fit(x numeric) RETURNS numeric
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN abs(x) >= 79228162514264337593543950335.5 THEN NULL
              ELSE funil_round_even(x, funil_fit_places(x)) END
$$;

CREATE OR REPLACE FUNCTION funil_add(a numeric, b numeric) RETURNS numeric
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT funil_fit(a + b) $$;

CREATE OR REPLACE FUNCTION funil_sub(a numeric, b numeric) RETURNS numeric
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT funil_fit(a - b) $$;

CREATE OR REPLACE FUNCTION funil_mul(a numeric, b numeric) RETURNS numeric
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT funil_fit(a * b) $$;

-- The quotient to 62 places, with a last digit standing for any remainder, so that
-- rounding it to at most 28 places rounds the exact quotient.
CREATE OR REPLACE FUNCTION funil_div(a numeric, b numeric) RETURNS numeric
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN b = 0 THEN NULL ELSE funil_fit(
    (div(a * 1e62, b)
     + CASE WHEN mod(a * 1e62, b) <> 0 THEN sign(a) * sign(b) * 0.1 ELSE 0 END) * 1e-62)
  END
$$;

CREATE OR REPLACE FUNCTION funil_round(x numeric, places numeric) RETURNS numeric
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN places = trunc(places) AND places BETWEEN 0 AND 28
              THEN round(x, places::integer) END
$$;

CREATE OR REPLACE FUNCTION funil_min(a numeric, b numeric) RETURNS numeric
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT least(a, b) $$;

CREATE OR REPLACE FUNCTION funil_max(a numeric, b numeric) RETURNS numeric
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT greatest(a, b) $$;

-- Strings. Case mapping is Unicode's full mapping (ICU's root locale, as Rust's
-- `to_lowercase`); the collation stays inside, so the result compares like any text.
CREATE OR REPLACE FUNCTION funil_lower(s text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT lower(s COLLATE "und-x-icu") $$;

CREATE OR REPLACE FUNCTION funil_upper(s text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT upper(s COLLATE "und-x-icu") $$;

CREATE OR REPLACE FUNCTION funil_ends_with(a text, b text) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT right(a, char_length(b)) = b $$;

-- Instants and durations (numeric seconds; intervals of seconds only, never of
-- local days).
CREATE OR REPLACE FUNCTION funil_seconds_between(a timestamptz, b timestamptz) RETURNS numeric
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT extract(epoch FROM a) - extract(epoch FROM b)
$$;

CREATE OR REPLACE FUNCTION funil_instant_add(t timestamptz, seconds numeric) RETURNS timestamptz
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT t + (seconds * 1000000)::float8 * interval '1 microsecond'
$$;

CREATE OR REPLACE FUNCTION funil_date_add(d date, seconds numeric) RETURNS date
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT d + div(seconds, 86400)::integer $$;

-- Calendar functions in a time zone (an IANA name).
CREATE OR REPLACE FUNCTION funil_local_date(t timestamptz, zone text) RETURNS date
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT (t AT TIME ZONE zone)::date $$;

CREATE OR REPLACE FUNCTION funil_local_hour(t timestamptz, zone text) RETURNS numeric
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT extract(hour FROM t AT TIME ZONE zone) $$;

CREATE OR REPLACE FUNCTION funil_weekday(t timestamptz, zone text) RETURNS numeric
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT extract(isodow FROM t AT TIME ZONE zone) $$;

-- The anniversary of `d` in year `y`: 29 February falls on 28 February in years
-- that are not leap years.
CREATE OR REPLACE FUNCTION funil_anniversary(d date, y integer) RETURNS date
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT make_date(y, extract(month FROM d)::integer,
    CASE WHEN extract(month FROM d) = 2 AND extract(day FROM d) = 29
          AND NOT ((y % 4 = 0 AND y % 100 <> 0) OR y % 400 = 0) THEN 28
         ELSE extract(day FROM d)::integer END)
$$;

CREATE OR REPLACE FUNCTION funil_whole_years(b date, t date) RETURNS numeric
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT extract(year FROM t) - extract(year FROM b)
    - CASE WHEN t < funil_anniversary(b, extract(year FROM t)::integer) THEN 1 ELSE 0 END
$$;

CREATE OR REPLACE FUNCTION funil_years_since(b date, today date) RETURNS numeric
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN b > today THEN -funil_whole_years(today, b)
              ELSE funil_whole_years(b, today) END
$$;

CREATE OR REPLACE FUNCTION funil_is_anniversary(d date, today date) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT today = funil_anniversary(d, extract(year FROM today)::integer)
$$;

CREATE OR REPLACE FUNCTION funil_days_until_anniversary(d date, today date) RETURNS numeric
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN funil_anniversary(d, extract(year FROM today)::integer) >= today
              THEN funil_anniversary(d, extract(year FROM today)::integer) - today
              ELSE funil_anniversary(d, extract(year FROM today)::integer + 1) - today END
$$;

-- Text forms (§4.8) of dates and instants.
CREATE OR REPLACE FUNCTION funil_date_text(d date) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT to_char(d, 'YYYY-MM-DD') $$;

CREATE OR REPLACE FUNCTION funil_instant_text(t timestamptz) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS')
    || CASE WHEN extract(microseconds FROM t)::bigint % 1000000 = 0 THEN ''
            ELSE '.' || rtrim(lpad((extract(microseconds FROM t)::bigint % 1000000)::text, 6, '0'), '0')
       END || 'Z'
$$;

-- Split assignment (§8.4): FNV-1a, 64-bit, of the bytes of `s` continued from the
-- hash `h` (of the split's prefix), each step modulo 2^64.
CREATE OR REPLACE FUNCTION funil_fnv1a(h numeric, s text) RETURNS numeric
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  bytes bytea := convert_to(s, 'UTF8');
BEGIN
  FOR i IN 0 .. length(bytes) - 1 LOOP
    h := mod((h - mod(h, 256) + (mod(h, 256)::integer # get_byte(bytes, i)))
             * 1099511628211, 18446744073709551616);
  END LOOP;
  RETURN h;
END
$$;

-- Decay (§5.3): 0.5 ^ (age / half_life) in binary64, its exact value rounded to 20
-- places and then to 12, half to even each time.
CREATE OR REPLACE FUNCTION funil_quotient_even(n numeric, d numeric) RETURNS numeric
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN 2 * q.r > d OR (2 * q.r = d AND mod(q.q, 2) = 1) THEN q.q + 1 ELSE q.q END
  FROM (SELECT div(n, d) AS q, mod(n, d) AS r) AS q
$$;

CREATE OR REPLACE FUNCTION funil_twelve_places(x float8) RETURNS numeric
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN m.shift >= 127 THEN 0::numeric
              ELSE funil_quotient_even(
                     funil_quotient_even(m.mantissa * 1e20, power(2::numeric, m.shift)), 1e8)
                   * 1e-12 END
  FROM (SELECT CASE WHEN p.e = 0 THEN p.f ELSE p.f + 4503599627370496 END::numeric AS mantissa,
               CASE WHEN p.e = 0 THEN 1074 ELSE 1075 - p.e END AS shift
        FROM (SELECT (b.bits >> 52) & 2047 AS e, b.bits & 4503599627370495 AS f
              FROM (SELECT ('x' || encode(float8send(x), 'hex'))::bit(64)::bigint AS bits) AS b
             ) AS p) AS m
$$;

CREATE OR REPLACE FUNCTION funil_decayed(points numeric, now timestamptz, at timestamptz,
                                         half_life numeric) RETURNS numeric
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT COALESCE(funil_fit(points * CASE WHEN half_life <= 0 THEN 1
    ELSE funil_twelve_places(power(0.5::float8,
           trunc(extract(epoch FROM now) - extract(epoch FROM at))::float8 / half_life::float8))
    END), points)
$$;
"#;
