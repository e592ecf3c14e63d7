//! The `funil_` SQL functions pushed-down queries call: numbers as the interpreter's
//! 96-bit decimals, instants and durations, calendar functions in a time zone, decay.
//!
//! All are `IMMUTABLE`, `STRICT` (a null argument gives null, as every function of
//! §4.5 does) and `PARALLEL SAFE`. Those whose body is one strict expression are
//! `LANGUAGE sql`, which PostgreSQL inlines into the query that calls it. The others
//! (a `CASE`, several steps, a loop) are PL/pgSQL, whose plans PostgreSQL keeps for the
//! session: a `LANGUAGE sql` function that cannot be inlined is planned again at every
//! call, and one calling another costs a fifth of a millisecond (BENCHMARKS.md §8).
//! PL/pgSQL is installed in every PostgreSQL database by default.

/// The `CREATE OR REPLACE FUNCTION` statements, in dependency order.
pub(crate) const SCRIPT: &str = r#"-- Numbers: exact numeric brought to a 96-bit decimal with at most 28 places,
-- rounded half to even, null out of range (rust_decimal, spec §4.4). A number of at
-- most 28 digits, as almost every number is, already fits.
CREATE OR REPLACE FUNCTION funil_fit(x numeric) RETURNS numeric
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  places integer;
  shifted numeric;
  fitted numeric;
BEGIN
  IF abs(x) < 1e15 AND scale(x) <= 13 THEN
    RETURN x;
  END IF;
  IF abs(x) >= 79228162514264337593543950335.5 THEN
    RETURN NULL;
  END IF;
  places := least(28, 29 - CASE WHEN abs(x) < 1 THEN 0
                                ELSE length(trunc(abs(x))::text) END);
  LOOP
    shifted := x * ('1e' || places)::numeric;
    IF abs(shifted - trunc(shifted)) = 0.5 AND mod(trunc(shifted), 2) = 0 THEN
      fitted := trunc(x, places);
    ELSE
      fitted := round(x, places);
    END IF;
    IF abs(fitted) * ('1e' || places)::numeric < 79228162514264337593543950336 THEN
      RETURN fitted;
    END IF;
    places := places - 1;
  END LOOP;
END
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
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
BEGIN
  IF b = 0 THEN
    RETURN NULL;
  END IF;
  RETURN funil_fit((div(a * 1e62, b)
    + CASE WHEN mod(a * 1e62, b) <> 0 THEN sign(a) * sign(b) * 0.1 ELSE 0 END) * 1e-62);
END
$$;

CREATE OR REPLACE FUNCTION funil_round(x numeric, places numeric) RETURNS numeric
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
BEGIN
  IF places = trunc(places) AND places BETWEEN 0 AND 28 THEN
    RETURN round(x, places::integer);
  END IF;
  RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION funil_min(a numeric, b numeric) RETURNS numeric
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$ BEGIN RETURN least(a, b); END $$;

CREATE OR REPLACE FUNCTION funil_max(a numeric, b numeric) RETURNS numeric
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$ BEGIN RETURN greatest(a, b); END $$;

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
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
BEGIN
  IF extract(month FROM d) = 2 AND extract(day FROM d) = 29
     AND NOT ((y % 4 = 0 AND y % 100 <> 0) OR y % 400 = 0) THEN
    RETURN make_date(y, 2, 28);
  END IF;
  RETURN make_date(y, extract(month FROM d)::integer, extract(day FROM d)::integer);
END
$$;

CREATE OR REPLACE FUNCTION funil_years_since(b date, today date) RETURNS numeric
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  earlier date := least(b, today);
  later date := greatest(b, today);
  years numeric;
BEGIN
  years := extract(year FROM later) - extract(year FROM earlier);
  IF later < funil_anniversary(earlier, extract(year FROM later)::integer) THEN
    years := years - 1;
  END IF;
  IF b > today THEN
    RETURN -years;
  END IF;
  RETURN years;
END
$$;

CREATE OR REPLACE FUNCTION funil_is_anniversary(d date, today date) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
BEGIN
  RETURN today = funil_anniversary(d, extract(year FROM today)::integer);
END
$$;

CREATE OR REPLACE FUNCTION funil_days_until_anniversary(d date, today date) RETURNS numeric
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  this_year date := funil_anniversary(d, extract(year FROM today)::integer);
BEGIN
  IF this_year >= today THEN
    RETURN this_year - today;
  END IF;
  RETURN funil_anniversary(d, extract(year FROM today)::integer + 1) - today;
END
$$;

-- Text forms (§4.8) of dates and instants.
CREATE OR REPLACE FUNCTION funil_date_text(d date) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT to_char(d, 'YYYY-MM-DD') $$;

CREATE OR REPLACE FUNCTION funil_instant_text(t timestamptz) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  micros bigint := extract(microseconds FROM t)::bigint % 1000000;
  text text := to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS');
BEGIN
  IF micros <> 0 THEN
    text := text || '.' || rtrim(lpad(micros::text, 6, '0'), '0');
  END IF;
  RETURN text || 'Z';
END
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
-- places and then to 12, half to even each time, as the factor of `points`.
CREATE OR REPLACE FUNCTION funil_decayed(points numeric, now timestamptz, at timestamptz,
                                         half_life numeric) RETURNS numeric
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  factor float8;
  bits bigint;
  exponent integer;
  mantissa numeric;
  shift integer;
  scaled numeric;
  power numeric;
  whole numeric;
  rest numeric;
  twelve numeric;
BEGIN
  IF half_life <= 0 THEN
    RETURN points;
  END IF;
  factor := power(0.5::float8,
    trunc(extract(epoch FROM now) - extract(epoch FROM at))::float8 / half_life::float8);
  bits := ('x' || encode(float8send(factor), 'hex'))::bit(64)::bigint;
  exponent := ((bits >> 52) & 2047)::integer;
  mantissa := (bits & 4503599627370495)::numeric;
  IF exponent = 0 THEN
    shift := 1074;
  ELSE
    mantissa := mantissa + 4503599627370496;
    shift := 1075 - exponent;
  END IF;
  IF shift >= 127 THEN
    twelve := 0;
  ELSE
    -- To 20 places, half to even.
    scaled := mantissa * 1e20;
    power := power(2::numeric, shift);
    whole := div(scaled, power);
    rest := scaled - whole * power;
    IF 2 * rest > power OR (2 * rest = power AND mod(whole, 2) = 1) THEN
      whole := whole + 1;
    END IF;
    -- Then to 12 places, half to even.
    rest := mod(whole, 1e8);
    whole := div(whole, 1e8);
    IF rest > 5e7 OR (rest = 5e7 AND mod(whole, 2) = 1) THEN
      whole := whole + 1;
    END IF;
    twelve := whole * 1e-12;
  END IF;
  RETURN COALESCE(funil_fit(points * twelve), points);
END
$$;
"#;
