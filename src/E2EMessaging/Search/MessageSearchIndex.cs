using System.Globalization;
using System.Text;
using E2EMessaging.Storage;
using E2EMessaging.Wire;

namespace E2EMessaging.Search;

/// <summary>
/// Full-text search over this device's decrypted messages, on the device. End-to-end encryption rules out search on
/// the relay (it holds only ciphertext); this index is the alternative: it lives next to the host's message store,
/// sees only what this device already decrypted, and neither the query nor the index ever leaves the device.
/// </summary>
/// <remarks>
/// <para>Terms are case- and accent-insensitive words (Unicode letters and digits, NFKD-normalised, combining marks
/// dropped). A query matches messages that contain every term of the query; its last term also matches as a prefix,
/// so results follow the user's typing. Hits come newest first. Scripts written without spaces between words are
/// indexed as runs of up to <see cref="MaxTermLength"/> characters and found by their beginning; a host that needs
/// word segmentation for them can index its own terms beside this index.</para>
/// <para>Edits replace the indexed text of the message they edit, deletes remove it, reactions are not text. The
/// index keeps only term postings and message keys in memory; to rebuild it after a restart, feed it the stored
/// messages again (<see cref="Add"/> is idempotent). It is safe to use from several threads; it has no static
/// state, so indexes of different devices never contend.</para>
/// </remarks>
public sealed class MessageSearchIndex
{
    /// <summary>Most hits a search returns when the caller does not say.</summary>
    public const int DefaultLimit = 50;

    /// <summary>Longest term indexed, in characters: longer runs (keys, base64, URLs' tails) are cut.</summary>
    public const int MaxTermLength = 64;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, HashSet<MessageKey>> _postings = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _terms = new(StringComparer.Ordinal);
    private readonly Dictionary<MessageKey, Entry> _entries = [];

    /// <summary>Messages currently indexed.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>
    /// Indexes a stored message: its text and its quote's text, its attachments' file names. An edit replaces the
    /// text of the message it edits (same author), a delete removes that message; adding a message again changes
    /// nothing.
    /// </summary>
    public void Add(StoredMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var content = message.Message;
        lock (_gate)
        {
            if (content.DeleteOf is ClientMessageId deleted)
            {
                RemoveLocked(new MessageKey(message.Author, deleted));
                return;
            }

            if (content.EditOf is ClientMessageId edited)
            {
                var target = new MessageKey(message.Author, edited);
                if (_entries.TryGetValue(target, out Entry? original))
                {
                    RemoveLocked(target);
                    AddLocked(target, original.Conversation, original.Timestamp, TermsOf(message));
                }

                return;
            }

            var key = new MessageKey(message.Author, message.Id);
            if (_entries.ContainsKey(key))
            {
                return;
            }

            HashSet<string> terms = TermsOf(message);
            if (terms.Count > 0)
            {
                AddLocked(key, message.Conversation, message.Timestamp, terms);
            }
        }
    }

    /// <summary>Removes one message; false when it was not indexed.</summary>
    public bool Remove(string author, ClientMessageId id)
    {
        ArgumentNullException.ThrowIfNull(author);
        lock (_gate)
        {
            return RemoveLocked(new MessageKey(author, id));
        }
    }

    /// <summary>Removes every message of a conversation (for example when the user clears it); returns how many.</summary>
    public int RemoveConversation(ConversationId conversation)
    {
        lock (_gate)
        {
            var keys = _entries.Where(e => e.Value.Conversation.Equals(conversation)).Select(e => e.Key).ToList();
            foreach (MessageKey key in keys)
            {
                RemoveLocked(key);
            }

            return keys.Count;
        }
    }

    /// <summary>
    /// The messages that contain every term of <paramref name="query"/> (the last one also as a prefix), newest first,
    /// optionally within one conversation. An empty query (no letters or digits) finds nothing.
    /// </summary>
    public IReadOnlyList<SearchHit> Search(string query, ConversationId? conversation = null, int limit = DefaultLimit)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        List<string> terms = [.. Tokenize(query)];
        if (terms.Count == 0)
        {
            return [];
        }

        lock (_gate)
        {
            HashSet<MessageKey>? matches = null;
            for (int i = 0; i < terms.Count; i++)
            {
                HashSet<MessageKey> forTerm = i == terms.Count - 1 ? PrefixPostingsLocked(terms[i]) : ExactPostingsLocked(terms[i]);
                if (matches is null)
                {
                    matches = forTerm;
                }
                else
                {
                    matches.IntersectWith(forTerm);
                }

                if (matches.Count == 0)
                {
                    return [];
                }
            }

            return [.. matches!
                .Select(key => (Key: key, Entry: _entries[key]))
                .Where(m => conversation is not ConversationId only || m.Entry.Conversation.Equals(only))
                .OrderByDescending(m => m.Entry.Timestamp)
                .ThenByDescending(m => m.Key.Id)
                .Take(limit)
                .Select(m => new SearchHit(m.Entry.Conversation, m.Key.Author, m.Key.Id, m.Entry.Timestamp))];
        }
    }

    /// <summary>The index's terms of a text: what a query has to contain to find it.</summary>
    internal static IEnumerable<string> Tokenize(string text)
    {
        string decomposed = text.Normalize(NormalizationForm.FormKD);
        var term = new StringBuilder();
        foreach (char c in decomposed)
        {
            UnicodeCategory category = CharUnicodeInfo.GetUnicodeCategory(c);
            if (category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark)
            {
                continue;
            }

            if (char.IsLetterOrDigit(c) || char.IsSurrogate(c))
            {
                if (term.Length < MaxTermLength)
                {
                    term.Append(char.ToLowerInvariant(c));
                }

                continue;
            }

            if (term.Length > 0)
            {
                yield return term.ToString();
                term.Clear();
            }
        }

        if (term.Length > 0)
        {
            yield return term.ToString();
        }
    }

    private static HashSet<string> TermsOf(StoredMessage message)
    {
        var content = message.Message;
        var terms = new HashSet<string>(StringComparer.Ordinal);
        if (content.Text is { } text)
        {
            terms.UnionWith(Tokenize(text));
        }

        if (content.Quote?.Text is { } quoted)
        {
            terms.UnionWith(Tokenize(quoted));
        }

        foreach (var attachment in content.Attachments)
        {
            if (attachment.FileName is { } name)
            {
                terms.UnionWith(Tokenize(name));
            }
        }

        return terms;
    }

    private void AddLocked(MessageKey key, ConversationId conversation, long timestamp, HashSet<string> terms)
    {
        _entries[key] = new Entry(conversation, timestamp, terms);
        foreach (string term in terms)
        {
            if (!_postings.TryGetValue(term, out HashSet<MessageKey>? postings))
            {
                postings = [];
                _postings[term] = postings;
                _terms.Add(term);
            }

            postings.Add(key);
        }
    }

    private bool RemoveLocked(MessageKey key)
    {
        if (!_entries.Remove(key, out Entry? entry))
        {
            return false;
        }

        foreach (string term in entry.Terms)
        {
            if (_postings.TryGetValue(term, out HashSet<MessageKey>? postings) && postings.Remove(key) && postings.Count == 0)
            {
                _postings.Remove(term);
                _terms.Remove(term);
            }
        }

        return true;
    }

    private HashSet<MessageKey> ExactPostingsLocked(string term) =>
        _postings.TryGetValue(term, out HashSet<MessageKey>? postings) ? [.. postings] : [];

    private HashSet<MessageKey> PrefixPostingsLocked(string prefix)
    {
        var result = new HashSet<MessageKey>();
        foreach (string term in _terms.GetViewBetween(prefix, prefix + char.MaxValue))
        {
            if (term.StartsWith(prefix, StringComparison.Ordinal))
            {
                result.UnionWith(_postings[term]);
            }
        }

        return result;
    }

    private readonly record struct MessageKey(string Author, ClientMessageId Id);

    private sealed record Entry(ConversationId Conversation, long Timestamp, HashSet<string> Terms)
    {
        // The terms are words of the message: never print them.
        public override string ToString() => $"{nameof(Entry)}({Conversation})";
    }
}

/// <summary>A message a search found: where it is and who wrote it; the content stays in the message store.</summary>
public sealed class SearchHit
{
    internal SearchHit(ConversationId conversation, string author, ClientMessageId id, long timestamp)
    {
        Conversation = conversation;
        Author = author;
        Id = id;
        Timestamp = timestamp;
    }

    /// <summary>The conversation it belongs to.</summary>
    public ConversationId Conversation { get; }

    /// <summary>Its author's account name.</summary>
    public string Author { get; }

    /// <summary>Its id; with <see cref="Author"/>, its key in the message store.</summary>
    public ClientMessageId Id { get; }

    /// <summary>The author's clock when it was composed, Unix milliseconds.</summary>
    public long Timestamp { get; }

    /// <summary>The type name, id and conversation; never content.</summary>
    public override string ToString() => $"{nameof(SearchHit)}({Id}, {Conversation})";
}
