/**
 * The XML reader and writer against what the real service answered (POST /backends/saml with each
 * document as the `metadata` file, then GET /backends/saml/metadata; real master, 26.05 and 25.01 gave
 * the same). The numbering test's document was sent to the real 26.05 as well.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseXml, serializeXml, xmlDepth, XmlDepthError, XmlSyntaxError } from './xml.ts';

const bytes = (text: string) => Buffer.from(text, 'utf8');
const roundTrip = (text: string) => serializeXml(parseXml(bytes(text)));
function refusal(input: string | Buffer): string {
  try {
    parseXml(typeof input === 'string' ? bytes(input) : input);
  } catch (error) {
    assert.ok(error instanceof XmlSyntaxError, String(error));
    return error.message;
  }
  assert.fail(`accepted: ${String(input)}`);
}

test('documents expat refuses get its reason and position (line from 1, column from 0)', () => {
  const measured: [string, string][] = [
    ['', 'no element found: line 1, column 0'],
    ['hello', 'syntax error: line 1, column 0'],
    ['<a>', 'no element found: line 1, column 3'],
    ['<?xml version="1.0"?>', 'no element found: line 1, column 21'],
    ['<a></b>', 'mismatched tag: line 1, column 5'],
    ['<a>\n<b></a>', 'mismatched tag: line 2, column 5'],
    ['<a/><b/>', 'junk after document element: line 1, column 4'],
    ['<a>x</a>  trailing', 'junk after document element: line 1, column 10'],
    ['<a></a></a>', 'not well-formed (invalid token): line 1, column 8'],
    ['<a x=1/>', 'not well-formed (invalid token): line 1, column 5'],
    ['<a x="<"/>', 'not well-formed (invalid token): line 1, column 6'],
    ['<1a/>', 'not well-formed (invalid token): line 1, column 1'],
    ['<a>]]></a>', 'not well-formed (invalid token): line 1, column 5'],
    ['<r><!DOCTYPE a><a/></r>', 'not well-formed (invalid token): line 1, column 5'],
    ['<a>&foo;</a>', 'undefined entity: line 1, column 3'],
    ['<a>&#0;</a>', 'reference to invalid character number: line 1, column 3'],
    ['<a', 'unclosed token: line 1, column 0'],
    ['<a x="1" x="2"/>', 'duplicate attribute: line 1, column 9'],
    ['<p:a/>', 'unbound prefix: line 1, column 0'],
    ['<a><!-- unclosed', 'unclosed token: line 1, column 3'],
    ['<a x="1', 'unclosed token: line 1, column 0'],
    ['<a><b></b', 'unclosed token: line 1, column 6'],
    ['<a>&amp</a>', 'not well-formed (invalid token): line 1, column 7'],
    ['<a>& b</a>', 'not well-formed (invalid token): line 1, column 4'],
  ];
  for (const [input, message] of measured) assert.equal(refusal(input), message, JSON.stringify(input));
  assert.equal(refusal(Buffer.from([0x3c, 0x61, 0x3e, 0xff, 0x3c, 0x2f, 0x61, 0x3e])), 'not well-formed (invalid token): line 1, column 3', 'a byte that is not UTF-8');
});

test('accepted documents are written back as ElementTree.tostring writes them', () => {
  const measured: [string, string][] = [
    ['<a><!-- c --><?pi x?><b/></a>', '<a><b /></a>'],
    ['<!DOCTYPE r><r><a/></r>', '<r><a /></r>'],
    [' <r><a/></r>', '<r><a /></r>'],
    ['<r x=\'1\' y="a&amp;b&#10;c&#x41;&#9;&#13;>"><a/>t&lt;&gt;&quot;&apos;"&#233;&#x1F600;</r>', '<r x="1" y="a&amp;b&#10;cA&#09;&#13;&gt;"><a />t&lt;&gt;"\'"&#233;&#128512;</r>'],
    ['<r><![CDATA[<x>&]]><a/></r>', '<r>&lt;x&gt;&amp;<a /></r>'],
    ['<r>\r\nline2\r\n<a/></r>', '<r>\nline2\n<a /></r>'],
    ['<r><a/>x</r><!-- after -->', '<r><a />x</r>'],
    ['<!-- before --><?xml-stylesheet x?><r><a/></r>', '<r><a /></r>'],
    ['<r x = "1" ><a   b = \'q"\'/></r >', '<r x="1"><a b="q&quot;" /></r>'],
    ['<?xml version="1.0" encoding="UTF-8"?>\n<r>\n  <a/>\n</r>\n', '<r>\n  <a />\n</r>'],
    ['<r xmlns:xml2="urn:a"><xml2:a xml:lang="fr"/></r>', '<r xmlns:ns0="urn:a"><ns0:a xml:lang="fr" /></r>'],
    ['<r xmlns="http://www.w3.org/2000/09/xmldsig#"><a xmlns="urn:o"/><b/></r>', '<ns0:r xmlns:ns0="http://www.w3.org/2000/09/xmldsig#" xmlns:ns1="urn:o"><ns1:a /><ns0:b /></ns0:r>'],
    ['<r a="\n\tx"><a/></r>', '<r a="  x"><a /></r>'],
    ['<r><a/>é</r>', '<r><a />&#233;</r>'],
    ['<a xmlns="urn:x" xmlns:y="urn:y"><b y:c="1"/><y:d/></a>', '<ns0:a xmlns:ns0="urn:x" xmlns:ns1="urn:y"><ns0:b ns1:c="1" /><ns1:d /></ns0:a>'],
    ['<a xmlns:xs="http://www.w3.org/2001/XMLSchema" xs:t="1"><xs:el/></a>', '<a xmlns:xs="http://www.w3.org/2001/XMLSchema" xs:t="1"><xs:el /></a>'],
    ['<xml><h1>title</h1><body>lorem ipv5</body></xml>', '<xml><h1>title</h1><body>lorem ipv5</body></xml>'],
  ];
  for (const [input, written] of measured) assert.equal(roundTrip(input), written, JSON.stringify(input));
});

test('an IdP metadata file keeps its structure under ns0 and is written the same way twice', () => {
  const metadata = [
    '<?xml version="1.0"?>',
    '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.example.com/metadata">',
    '  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">',
    '    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.com/sso"/>',
    '  </md:IDPSSODescriptor>',
    '</md:EntityDescriptor>',
    '',
  ].join('\n');
  const once = roundTrip(metadata);
  assert.equal(
    once,
    [
      '<ns0:EntityDescriptor xmlns:ns0="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.example.com/metadata">',
      '  <ns0:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">',
      '    <ns0:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.com/sso" />',
      '  </ns0:IDPSSODescriptor>',
      '</ns0:EntityDescriptor>',
    ].join('\n'),
  );
  assert.equal(roundTrip(once), once, 'the service parses and writes the stored text again on GET: no change');
});

test('namespaces are numbered in the order elements and then their attributes meet them, declared sorted on the root', () => {
  const input = '<a xmlns:p="urn:p" xmlns:q="urn:q" xmlns:x="http://www.w3.org/2001/XMLSchema-instance"><x:b q:z="1" p:y="2"/><b2/><b3/><b4/><b5/><b6/><b7/><b8/><b9/><b10 xmlns="urn:10"/><b11 xmlns="urn:11"/></a>';
  assert.equal(
    roundTrip(input),
    '<a xmlns:ns1="urn:q" xmlns:ns2="urn:p" xmlns:ns3="urn:10" xmlns:ns4="urn:11" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><xsi:b ns1:z="1" ns2:y="2" /><b2 /><b3 /><b4 /><b5 /><b6 /><b7 /><b8 /><b9 /><ns3:b10 /><ns4:b11 /></a>',
  );
});

test('750 documents read and written as Python\'s ElementTree does (mock/fixtures/xml-elementtree.json)', () => {
  const fixture = JSON.parse(readFileSync(new URL('./fixtures/xml-elementtree.json', import.meta.url), 'utf8')) as { cases: ({ input: string } & ({ written: string } | { error: string }))[] };
  const differing: string[] = [];
  for (const item of fixture.cases) {
    let mine: { written: string } | { error: string };
    try {
      mine = { written: roundTrip(item.input) };
    } catch (error) {
      mine = { error: (error as Error).message };
    }
    const { input: _input, ...expected } = item;
    if (JSON.stringify(mine) !== JSON.stringify(expected)) differing.push(`${JSON.stringify(item.input)}: ElementTree ${JSON.stringify(expected)}, mock ${JSON.stringify(mine)}`);
  }
  assert.equal(fixture.cases.length, 750);
  assert.deepEqual(differing, []);
});

test('deep documents: the reader follows 1000 levels and refuses deeper ones without exhausting the stack', () => {
  const nested = (n: number) => Buffer.from('<a>'.repeat(n) + '</a>'.repeat(n));
  const root = parseXml(nested(1000));
  assert.equal(xmlDepth(root), 1000);
  assert.equal(serializeXml(root), `${'<a>'.repeat(999)}<a />${'</a>'.repeat(999)}`);
  assert.throws(() => parseXml(nested(1001)), XmlDepthError);
  assert.throws(() => parseXml(nested(50_000)), XmlDepthError);
  assert.throws(() => parseXml(nested(300), { maxDepth: 256 }), XmlDepthError);
});
