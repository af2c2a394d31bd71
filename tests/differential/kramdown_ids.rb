# The heading ids real kramdown gives each document, as the GitLab handbook's
# Middleman rendered it: `input: 'GFM'`, `hard_wrap: false`. Reads a JSON
# array of Markdown documents on stdin, writes a JSON array with each
# document's heading ids in page order ("" for a heading without one, null
# for a document kramdown failed on). Run by tests/heading_ids_differential.rs.
#
# `ruby kramdown_ids.rb --characters` instead writes what
# `generate_gfm_header_id` makes of every single code point.
require 'json'
require 'cgi'
require 'kramdown'
require 'kramdown-parser-gfm'

# kramdown's HTML converter, noting the id of every header it writes.
class IdRecordingHtml < Kramdown::Converter::Html
  attr_reader :heading_ids

  def initialize(root, options)
    super
    @heading_ids = []
  end

  def convert_header(el, indent)
    html = super
    open_tag = html[/<h[1-6](?:\s[^>]*)?>/]
    id = open_tag && open_tag[/\sid="([^"]*)"/, 1]
    @heading_ids << (id ? CGI.unescapeHTML(id) : '')
    html
  end
end

OPTIONS = { input: 'GFM', hard_wrap: false }.freeze

def ids_of(markdown)
  doc = Kramdown::Document.new(markdown, OPTIONS)
  # As Kramdown::Converter::Base.convert sets it up, with the page's own
  # {::options} merged in.
  options = Kramdown::Options.merge(doc.options.merge(doc.root.options[:options] || {}))
  converter = IdRecordingHtml.send(:new, doc.root, options)
  converter.convert(doc.root)
  converter.heading_ids
rescue StandardError => e
  warn "kramdown failed: #{e.class}: #{e.message}"
  nil
end

# What the GFM id rule makes of each code point, where it is not the code
# point itself: removed ranges, changed ones, and the code points this
# Ruby's Unicode tables leave unassigned (where versions may differ).
def characters
  parser = Kramdown::Parser::GFM.send(:new, '', Kramdown::Options.merge(OPTIONS))
  removed = []
  unassigned = []
  changed = {}
  (0..0x10ffff).each do |cp|
    next if cp.between?(0xd800, 0xdfff)

    c = cp.chr(Encoding::UTF_8)
    unassigned << cp if c.match?(/\p{Cn}/)
    id = parser.send(:generate_gfm_header_id, c)
    parser.instance_variable_get(:@id_counter).clear
    if id.empty?
      removed << cp
    elsif id != c
      changed[cp] = id
    end
  end
  { removed: ranges(removed), changed: changed, unassigned: ranges(unassigned) }
end

def ranges(sorted)
  sorted.slice_when { |a, b| b != a + 1 }.map { |run| [run.first, run.last] }
end

if ARGV.first == '--characters'
  puts JSON.generate(characters)
else
  documents = JSON.parse($stdin.read)
  puts JSON.generate(documents.map { |markdown| ids_of(markdown) })
end
