<?xml version="1.0" encoding="utf-8"?>
<!-- Shows an Atom or RSS feed opened in a browser as a readable page. -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:atom="http://www.w3.org/2005/Atom"
    exclude-result-prefixes="atom">
  <xsl:output method="html" encoding="utf-8" indent="yes"/>
  <xsl:template match="/">
    <html>
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title><xsl:value-of select="/atom:feed/atom:title | /rss/channel/title"/> (feed)</title>
        <style>
          body { margin: 0 auto; max-width: 42rem; padding: 1.5rem 1rem; font: 1rem/1.6 system-ui, sans-serif; }
          .note { background: #f3f6fb; border: 1px solid #d6e0ef; padding: .75rem 1rem; border-radius: 6px; }
          li { margin-bottom: 1rem; } .muted { color: #555; font-size: .9rem; }
        </style>
      </head>
      <body>
        <p class="note">This is a news feed. Copy its address into a feed reader to follow
          <strong><xsl:value-of select="/atom:feed/atom:title | /rss/channel/title"/></strong>.</p>
        <h1><xsl:value-of select="/atom:feed/atom:title | /rss/channel/title"/></h1>
        <ul>
          <xsl:for-each select="/atom:feed/atom:entry">
            <li>
              <a href="{atom:link[@rel='alternate']/@href}"><xsl:value-of select="atom:title"/></a>
              <div class="muted"><xsl:value-of select="substring(atom:published, 1, 10)"/></div>
              <div><xsl:value-of select="atom:summary"/></div>
            </li>
          </xsl:for-each>
          <xsl:for-each select="/rss/channel/item">
            <li>
              <a href="{link}"><xsl:value-of select="title"/></a>
              <div class="muted"><xsl:value-of select="pubDate"/></div>
              <div><xsl:value-of select="description"/></div>
            </li>
          </xsl:for-each>
        </ul>
      </body>
    </html>
  </xsl:template>
</xsl:stylesheet>
