// The heading ids real JavaScript renderers give each document. Reads a JSON
// array of Markdown documents on stdin, writes a JSON array with each
// document's heading ids in page order ("" for a heading without one, null
// for a document the renderer failed on). Run by
// tests/heading_ids_differential.rs:
//   node node_ids.mjs markdown-it        markdown-it (html: true, as Eleventy
//                                        sets it) + markdown-it-anchor defaults
//   node node_ids.mjs rehype-slug        remark-parse + remark-gfm + remark-rehype
//                                        + rehype-slug (github-slugger)
//   node node_ids.mjs --characters       github-slugger's slug() of every code point
import MarkdownIt from 'markdown-it'
import markdownItAnchor from 'markdown-it-anchor'
import { unified } from 'unified'
import remarkParse from 'remark-parse'
import remarkGfm from 'remark-gfm'
import remarkRehype from 'remark-rehype'
import rehypeSlug from 'rehype-slug'
import { slug } from 'github-slugger'

function markdownItIds () {
  const md = new MarkdownIt({ html: true }).use(markdownItAnchor)
  return (text) =>
    md.parse(text, {})
      .filter((token) => token.type === 'heading_open')
      .map((token) => token.attrGet('id') ?? '')
}

function rehypeSlugIds () {
  const processor = unified().use(remarkParse).use(remarkGfm).use(remarkRehype).use(rehypeSlug)
  return (text) => {
    const tree = processor.runSync(processor.parse(text))
    const ids = []
    const walk = (node) => {
      if (node.type === 'element' && /^h[1-6]$/.test(node.tagName)) {
        ids.push(String(node.properties?.id ?? ''))
      }
      for (const child of node.children ?? []) walk(child)
    }
    walk(tree)
    return ids
  }
}

function ranges (points) {
  const out = []
  for (const point of points) {
    const last = out[out.length - 1]
    if (last && last[1] === point - 1) last[1] = point
    else out.push([point, point])
  }
  return out
}

function characters () {
  const removed = []
  const unassigned = []
  const changed = {}
  for (let point = 0; point <= 0x10ffff; point++) {
    if (point >= 0xd800 && point <= 0xdfff) continue
    const char = String.fromCodePoint(point)
    if (/\p{Cn}/u.test(char)) unassigned.push(point)
    const id = slug(char)
    if (id === '') removed.push(point)
    else if (id !== char) changed[point] = id
  }
  return { removed: ranges(removed), changed, unassigned: ranges(unassigned) }
}

const mode = process.argv[2]
if (mode === '--characters') {
  console.log(JSON.stringify(characters()))
} else {
  const idsOf = { 'markdown-it': markdownItIds, 'rehype-slug': rehypeSlugIds }[mode]
  if (!idsOf) throw new Error(`unknown mode ${mode}`)
  const render = idsOf()
  // Read stdin as a stream: a non-blocking pipe makes readFileSync(0) fail with EAGAIN.
  const chunks = []
  for await (const chunk of process.stdin) chunks.push(chunk)
  const documents = JSON.parse(Buffer.concat(chunks).toString('utf8'))
  const out = documents.map((text) => {
    try {
      return render(text)
    } catch (error) {
      console.error(`${mode} failed: ${error.message}`)
      return null
    }
  })
  console.log(JSON.stringify(out))
}
