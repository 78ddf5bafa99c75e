"""Real-world functions, one or more per supported language, shared by the tests."""

SNIPPETS = {
    "python": '''\
@functools.lru_cache(maxsize=None)
def load_config(path, defaults=None):
    """Parse the config file and fall back to defaults."""
    config = dict(defaults or {})
    try:
        with open(path, encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                line = line.strip()
                if not line or line.startswith("#"):
                    continue  # skip blanks and comments
                key, _, value = line.partition("=")
                config[key.strip()] = value.strip()
    except FileNotFoundError:
        logger.warning("no config at %s, using defaults", path)
    return config
''',
    "java": '''\
/**
 * Returns the index of the first occurrence of the key, or -1.
 */
@Override
public int indexOf(Object key) {
    if (key == null) {
        throw new NullPointerException("key");
    }
    for (int i = 0; i < size; i++) {
        if (key.equals(elements[i])) {
            LOG.debug("found {} at {}", key, i);
            return i;
        }
    }
    synchronized (lock) {
        setLastMiss(key);
    }
    return -1;
}
''',
    "javascript": '''\
/** Debounce a function: call it once the calls stop for `wait` ms. */
function debounce(fn, wait = 100) {
  let timer = null;
  return function (...args) {
    clearTimeout(timer);
    timer = setTimeout(() => fn.apply(this, args), wait);
  };
}
''',
    "typescript": '''\
export class Cache<V> {
  private store = new Map<string, V>();

  /** Get a value, computing and storing it when missing. */
  async getOrCompute(key: string, compute: () => Promise<V>): Promise<V> {
    const hit = this.store.get(key);
    if (hit !== undefined) {
      return hit;
    }
    try {
      const value = await compute();
      this.store.set(key, value);
      return value;
    } catch (err) {
      console.error(`cache miss failed for ${key}`, err);
      throw err;
    }
  }
}
''',
    "go": '''\
// ReadLines reads a whole file into memory and returns a slice of its lines.
func ReadLines(path string) ([]string, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer file.Close()

	var lines []string
	scanner := bufio.NewScanner(file)
	for scanner.Scan() {
		lines = append(lines, scanner.Text())
	}
	switch {
	case len(lines) == 0:
		log.Printf("empty file %s", path)
	}
	return lines, scanner.Err()
}
''',
    "rust": '''\
impl Parser {
    /// Parses a key=value line, ignoring comments.
    pub fn parse_line(&mut self, line: &str) -> Option<(String, String)> {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            return None;
        }
        match line.split_once('=') {
            Some((key, value)) => {
                println!("parsed {}", key);
                Some((key.trim().to_string(), value.trim().to_string()))
            }
            None => None,
        }
    }
}
''',
}


def stdlib_pairs() -> list[dict]:
    """(code without docstring, docstring's first line) pairs from four standard-library modules."""
    import inspect
    import json.decoder
    import shlex
    import string
    import textwrap

    from leancode.units import extract_units

    rows = []
    for module in (textwrap, shlex, json.decoder, string):
        for unit in extract_units(inspect.getsource(module), "python"):
            if unit.docstring and len(unit.code.splitlines()) > 2:
                rows.append({"idx": f"py-{len(rows)}", "code": unit.code_without_docstring, "language": "python",
                             "summary": unit.docstring.strip().split("\n")[0]})
    return rows

# An undocumented TypeScript function: the summarizer is asked (its route: TypeScript's own model).
UNDOCUMENTED_TS = """\
export function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
"""

# An undocumented Python function the model is asked about (the summary bank holds a similar one: pytest's).
UNDOCUMENTED = '''\
def load_config(path, defaults=None):
    values = dict(defaults or {})
    with open(path) as handle:
        for line in handle:
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values
'''
