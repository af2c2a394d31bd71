# The heading ids GOV.UK tech-docs gives each document: Redcarpet renders the
# heading, and tech-docs' renderer (`TechDocsHTMLRenderer#header`) asks its
# `UniqueIdentifierGenerator` for the id. Reads a JSON array of Markdown
# documents on stdin, writes a JSON array with each document's heading ids in
# page order. Run by tests/heading_ids_differential.rs.
require 'json'
require 'redcarpet'

# tech-docs' lib/govuk_tech_docs/unique_identifier_generator.rb (alphagov/
# tech-docs-gem at 8d9a4d170b8eae1c413a67df47e11449c3dc46fa, MIT), copied
# without change but for the Singleton: the gem itself needs Middleman.
class UniqueIdentifierGenerator
  Anchor = Struct.new(:id, :level)

  attr_reader :anchors

  def initialize
    reset
  end

  def create(id, level)
    anchor = heading_slug(id)

    unless unique?(anchor)
      anchor = prefixed_by_parent(anchor, level)
    end

    unless unique?(anchor)
      anchor = suffixed_with_number(anchor)
    end

    @anchors << Anchor.new(anchor, level)

    anchor
  end

  def reset
    @anchors = []
  end

private

  def prefixed_by_parent(anchor, level)
    closest_parent = @anchors.reverse.find { |a| a.level < level }
    if closest_parent.nil?
      anchor
    else
      [closest_parent.id, anchor].join("-")
    end
  end

  def suffixed_with_number(text)
    number = 2
    anchor = "#{text}-#{number}"

    until unique?(anchor)
      anchor = "#{text}-#{number}"
      number += 1
    end

    anchor
  end

  def unique?(value)
    @anchors.none? { |a| a.id == value }
  end

  def heading_slug(text)
    text
      .downcase
      .strip
      .gsub(%r{</?[^>]+?>}, "") # Remove HTML tags
      .gsub(/[^0-9a-z]+/, "-")  # Replace non-alphanumeric characters with dashes
      .gsub(/\A-+|-+\z/, "")    # Remove trailing dashes
  end
end

# tech-docs' `header` override, recording the ids.
class TechDocsHeadings < Redcarpet::Render::HTML
  attr_reader :heading_ids

  def initialize(options = {})
    super
    @generator = UniqueIdentifierGenerator.new
    @heading_ids = []
  end

  def header(text, level)
    anchor = @generator.create(text, level)
    @heading_ids << anchor
    %(<h#{level} id="#{anchor}">#{text}</h#{level}>\n)
  end
end

def ids_of(markdown)
  renderer = TechDocsHeadings.new(with_toc_data: true)
  # tech-docs' Markdown options (lib/govuk_tech_docs.rb).
  Redcarpet::Markdown.new(renderer, fenced_code_blocks: true, tables: true, no_intra_emphasis: true)
                     .render(markdown)
  renderer.heading_ids
rescue StandardError => e
  warn "Redcarpet failed: #{e.class}: #{e.message}"
  nil
end

documents = JSON.parse($stdin.read)
puts JSON.generate(documents.map { |markdown| ids_of(markdown) })
