using E2EMessaging.Attachments;
using E2EMessaging.Content;
using E2EMessaging.Search;
using E2EMessaging.Storage;
using E2EMessaging.Wire;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace E2EMessaging.Tests.Search;

public sealed class MessageSearchIndexTests
{
    private readonly ClientMessageIdGenerator _ids = new(random: new TestRandom(5));

    private StoredMessage Message(string text, string author = "alice", string peer = "bob", long timestamp = 0, ClientMessageId? editOf = null, ClientMessageId? deleteOf = null) =>
        new(_ids.Next(), ConversationId.Direct(peer), author, 1, MessageDirection.Incoming, timestamp, new DataMessage { Text = text, EditOf = editOf, DeleteOf = deleteOf });

    [Fact]
    public void Finds_messages_containing_every_term_case_and_accent_insensitive_newest_first()
    {
        var index = new MessageSearchIndex();
        StoredMessage old = Message("Café at noon?", timestamp: 1);
        StoredMessage newer = Message("cafe AT NOON works", timestamp: 2);
        StoredMessage other = Message("lunch at noon", timestamp: 3);
        index.Add(old);
        index.Add(newer);
        index.Add(other);

        var hits = index.Search("CAFÉ noon");
        Assert.Equal([newer.Id, old.Id], hits.Select(h => h.Id));
        Assert.All(hits, h => Assert.Equal("alice", h.Author));
        Assert.Equal(3, index.Search("noon").Count);
        Assert.Empty(index.Search("dinner"));
        Assert.Empty(index.Search("  ?! "));
    }

    [Fact]
    public void The_last_term_matches_as_a_prefix_so_results_follow_typing()
    {
        var index = new MessageSearchIndex();
        StoredMessage m = Message("the quarterly report is ready");
        index.Add(m);
        Assert.Single(index.Search("quart"));
        Assert.Single(index.Search("report rea"));
        Assert.Empty(index.Search("quart report")); // only the last term is a prefix
    }

    [Fact]
    public void Edits_replace_the_text_and_deletes_remove_the_message()
    {
        var index = new MessageSearchIndex();
        StoredMessage original = Message("meet at the station", timestamp: 10);
        index.Add(original);
        index.Add(Message("meet at the harbour", editOf: original.Id, timestamp: 20));
        Assert.Empty(index.Search("station"));
        SearchHit hit = Assert.Single(index.Search("harbour"));
        Assert.Equal(original.Id, hit.Id);
        Assert.Equal(10, hit.Timestamp); // the edited message keeps its place in time

        // Another author cannot edit or delete alice's message.
        index.Add(Message("hijacked", author: "mallory", editOf: original.Id));
        index.Add(Message("", author: "mallory", deleteOf: original.Id));
        Assert.Single(index.Search("harbour"));

        index.Add(Message("", deleteOf: original.Id));
        Assert.Empty(index.Search("harbour"));
        Assert.Equal(0, index.Count);
    }

    [Fact]
    public void Attachment_names_and_quotes_are_searchable_and_conversations_filter_and_clear()
    {
        var index = new MessageSearchIndex();
        var withFile = new StoredMessage(_ids.Next(), ConversationId.Direct("bob"), "alice", 1, MessageDirection.Outgoing, 5, new DataMessage
        {
            Attachments = [new AttachmentPointer("blob-1", new byte[64], new byte[32], 10, "application/pdf", "Budget-2027.pdf")],
        });
        var quoting = new StoredMessage(_ids.Next(), ConversationId.Direct("carol"), "carol", 2, MessageDirection.Incoming, 6, new DataMessage
        {
            Text = "agreed",
            Quote = new QuotedMessage(withFile.Id, "alice", "see the budget"),
        });
        index.Add(withFile);
        index.Add(quoting);
        Assert.Equal(2, index.Search("budget").Count);
        Assert.Single(index.Search("budget", ConversationId.Direct("carol")));
        Assert.Equal(1, index.RemoveConversation(ConversationId.Direct("bob")));
        Assert.Single(index.Search("budget"));
    }

    [Fact]
    public void Adding_twice_changes_nothing_and_limits_apply()
    {
        var index = new MessageSearchIndex();
        StoredMessage m = Message("hello");
        index.Add(m);
        index.Add(m);
        Assert.Equal(1, index.Count);
        for (int i = 0; i < 80; i++)
        {
            index.Add(Message($"hello {i}", timestamp: i));
        }

        Assert.Equal(MessageSearchIndex.DefaultLimit, index.Search("hello").Count);
        Assert.Equal(3, index.Search("hello", limit: 3).Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => index.Search("hello", limit: 0));
        Assert.True(index.Remove("alice", m.Id));
        Assert.False(index.Remove("alice", m.Id));
    }

    [Property(MaxTest = 100)]
    public Property Every_word_of_an_indexed_message_finds_it(NonEmptyString text)
    {
        var index = new MessageSearchIndex();
        StoredMessage m = Message(text.Get);
        index.Add(m);
        return MessageSearchIndex.Tokenize(text.Get).All(term => index.Search(term).Any(h => h.Id == m.Id)).ToProperty();
    }

    [Fact]
    public async Task Concurrent_adds_and_searches_are_safe()
    {
        var index = new MessageSearchIndex();
        var generator = new ClientMessageIdGenerator(random: new TestRandom(9));
        await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(() =>
        {
            for (int i = 0; i < 500; i++)
            {
                ClientMessageId id;
                lock (generator)
                {
                    id = generator.Next();
                }

                index.Add(new StoredMessage(id, ConversationId.Direct("bob"), $"w{worker}", 1, MessageDirection.Incoming, i, new DataMessage { Text = $"word{i % 7} shared" }));
                _ = index.Search("shar");
            }
        })));
        Assert.Equal(4000, index.Count);
        Assert.Equal(MessageSearchIndex.DefaultLimit, index.Search("shared").Count);
    }
}
