// Turns the plain-text output-shape formulas of the packages' TSDoc
// (`Hout = floor((H + 2*ph - dh*(kh-1) - 1) / sh) + 1`) into TeX for VitePress's MathJax:
// H_{\text{out}} = \left\lfloor \frac{H + 2 \cdot ph - ...}{sh} \right\rfloor + 1.

/** Whether a code span is a formula worth typesetting (it rounds: floor or ceil). */
export function isFormula(code) {
  return /\b(floor|ceil)\(/.test(code) && !/[;{}'"`]|=>/.test(code);
}

// Names with a subscript: Hout -> H_out, padTop -> pad_top, inH -> in_H, dilationH -> dilation_H.
const SUBSCRIPTS = /^(H|W|C|N|outH|outW|inH|inW)$/;
function identifier(name) {
  const camel = /^([a-z]+)([A-Z][a-z]*|[A-Z])$/.exec(name);
  if (/^(H|W|C)(out|in)$/.test(name)) return `${name[0]}_{\\text{${name.slice(1)}}}`;
  if (camel) return `\\text{${camel[1]}}_{\\text{${camel[2].length > 1 ? camel[2].toLowerCase() : camel[2]}}}`;
  if (SUBSCRIPTS.test(name) || name.length === 1) return name;
  if (/^[kpds][hw]$/.test(name)) return `${name[0]}_{${name[1]}}`; // kh -> k_h
  return `\\text{${name}}`;
}

/** Splits `a / b` at the top level of parentheses; null when there is no top-level `/`. */
function splitDivision(s) {
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '(') depth++;
    else if (s[i] === ')') depth--;
    else if (s[i] === '/' && depth === 0) return [s.slice(0, i), s.slice(i + 1)];
  }
  return null;
}

/** The index of the `)` that closes the `(` at `open`. */
function closing(s, open) {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    if (s[i] === '(') depth++;
    else if (s[i] === ')' && --depth === 0) return i;
  }
  throw new Error(`unbalanced parentheses in ${s}`);
}

function expression(s) {
  let out = '';
  let i = 0;
  while (i < s.length) {
    const rest = s.slice(i);
    const fn = /^(floor|ceil)\(/.exec(rest);
    if (fn) {
      const open = i + fn[1].length;
      const end = closing(s, open);
      const inner = s.slice(open + 1, end);
      const [l, r] =
        fn[1] === 'floor' ? ['\\left\\lfloor ', ' \\right\\rfloor'] : ['\\left\\lceil ', ' \\right\\rceil'];
      out += l + term(inner) + r;
      i = end + 1;
      continue;
    }
    if (s[i] === '(') {
      const end = closing(s, i);
      out += `(${expression(s.slice(i + 1, end))})`;
      i = end + 1;
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
    if (word) {
      out += identifier(word[0]);
      i += word[0].length;
      continue;
    }
    if (s[i] === '*') out += ' \\cdot ';
    else if (s[i] === '-') out += ' - ';
    else if (s[i] === '+') out += ' + ';
    else if (s[i] === '=') out += ' = ';
    else if (s[i] === '/') out += ' / ';
    else if (s[i] !== ' ') out += s[i];
    i++;
  }
  return out.replace(/ {2,}/g, ' ').trim();
}

/** A term that may be a top-level division becomes a fraction. */
function term(s) {
  const division = splitDivision(s);
  if (!division) return expression(s);
  const strip = (t) => {
    const x = t.trim();
    return x.startsWith('(') && closing(x, 0) === x.length - 1 ? x.slice(1, -1) : x;
  };
  return `\\frac{${expression(strip(division[0]))}}{${expression(strip(division[1]))}}`;
}

/** The TeX for a formula (see {@link isFormula}). */
export function toTex(code) {
  return term(code.trim());
}
