using System.Net;
using System.Text;
using AuroraStream.Core;
using AuroraStream.Core.Sky;
using AuroraStream.Core.Stream;
using AuroraStream.TestUtilities;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace AuroraStream.Influx.Tests;

public sealed class LineProtocolTests
{
    [Property(MaxTest = 300)]
    public Property TagAndFieldText_AnyPrintableString_SplitsBackIntoTheSameParts(NonEmptyString tag, NonEmptyString text)
    {
        // Quotes in tag values are literal in line protocol; the reference reader below only knows them in fields.
        var value = tag.Get.Replace("\"", string.Empty, StringComparison.Ordinal).Replace("\n", string.Empty, StringComparison.Ordinal).Replace("\r", string.Empty, StringComparison.Ordinal).TrimEnd('\\');
        var field = text.Get.Replace("\n", string.Empty, StringComparison.Ordinal);
        if (value.Length == 0)
        {
            return true.ToProperty();
        }

        var line = new LineBuilder().Measurement("m x,y").Tag("k=1", value).Field("f,2", field).Field("n", 3L).Timestamp(5).ToString();

        // A reference reader written from the line-protocol specification.
        var (measurement, tags, fields, time) = Parse(line.TrimEnd('\n'));
        return (measurement == "m x,y" && tags["k=1"] == value && fields["f,2"] == $"\"{field}\"" && fields["n"] == "3i" && time == "5").ToProperty();
    }

    [Property(MaxTest = 2000)]
    public Property SiteAndImager_AnyStringTheStreamAccepts_IsWrittenAsLineProtocolAndReadBackUnchanged(int[] sitePicks, int[] imagerPicks, string raw, bool useRaw)
    {
        // Mostly letters and digits so that many candidates pass, with everything line protocol or CSV treats specially.
        const string alphabet = "gillfsmithemis0123456789-abcxyz\\,= \"\r\nTÉ_#.";
        string Candidate(IEnumerable<int> picks) => new([.. picks.Select(p => alphabet[(int)((uint)p % alphabet.Length)])]);
        var site = Candidate((sitePicks ?? []).Take(4));
        var imager = useRaw && raw is not null ? raw : Candidate(imagerPicks ?? []);
        var accepted = FrameIdentity.SiteProblem(site) is null && FrameIdentity.ImagerProblem(imager) is null;
        var special = $"{site}{imager}".Any(c => c is ',' or '=' or ' ' or '\\' or '"' or '\r' or '\n' or '#' or > '\x7e');
        if (!accepted)
        {
            return true.ToProperty();
        }

        var frame = new ClassifiedFrame(site, imager, 1_577_858_400_000_000_000, "m1", new FramePrediction([0.5f, 0.1f, 0.1f, 0.1f, 0.1f, 0.1f]), new FrameOrigin("f", 0));
        var lines = new LineBuilder();
        AuroraPoints.Append(lines, frame);
        var (_, tags, _, _) = Parse(lines.ToString().TrimEnd('\n'));

        return (!special && AuroraPoints.Check(frame) is null && tags["site"] == site && tags["imager"] == imager).ToProperty();
    }

    [Fact]
    public async Task Check_FieldCaseSiteWithATrailingBackslash_NamesWhatLineProtocolCannotCarry()
    {
        var frame = new ClassifiedFrame("gill\\", "themis99", 1_577_858_460_000_000_000, "m1", new FramePrediction([0.5f, 0.1f, 0.1f, 0.1f, 0.1f, 0.1f]), new FrameOrigin("f", 0));
        using var temp = new TempFolder();
        await using var files = new FilePredictionSink(temp.Path);

        Assert.Equal("Line protocol: the tag site value 'gill\\' must not end with a backslash.", AuroraPoints.Check(frame));
        Assert.Equal(AuroraPoints.Check(frame), new InfluxPredictionSink(new InfluxConnectionOptions { Url = new Uri("http://127.0.0.1:1/"), Database = "db" }).CheckWritable(frame));
        Assert.Equal(AuroraPoints.Check(frame), files.CheckWritable(frame));
        Assert.Contains("CSV", files.CheckWritable(frame with { Imager = "a,b" }), StringComparison.Ordinal);
    }

    [Property(MaxTest = 500)]
    public Property UtHour_AnyTimeFrom1970To2100_IsTheTwoDigitUtHourOfThatTime(int seconds)
    {
        var time = DateTime.UnixEpoch.AddSeconds((uint)seconds % (130L * 365 * 86400));
        var ns = (time - DateTime.UnixEpoch).Ticks * 100;
        return (AuroraPoints.UtHour(ns) == time.Hour.ToString("00", System.Globalization.CultureInfo.InvariantCulture)).ToProperty();
    }

    [Fact]
    public void FramePoint_CarriesUtHourTagClassFieldAndAuroraIndicatorForTheDashboards()
    {
        var lines = new LineBuilder();
        AuroraPoints.Append(lines, new ClassifiedFrame("gill", "themis19", 1_394_431_200_000_000_000 + (3_600_000_000_000L * 17), "m1", new FramePrediction([0.1f, 0.6f, 0.1f, 0.1f, 0.05f, 0.05f]), new FrameOrigin("f", 0)));
        AuroraPoints.Append(lines, new ClassifiedFrame("gill", "themis19", 1_394_431_200_000_000_000, "m1", new FramePrediction([0.05f, 0.05f, 0.1f, 0.7f, 0.05f, 0.05f]), new FrameOrigin("f", 1)));

        var text = lines.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("aurora_frame,site=gill,imager=themis19,label=diffuse,model=m1,ut_hour=23,sky=unknown ", text[0], StringComparison.Ordinal);
        Assert.Contains(",class=\"diffuse\",aurora=1i ", text[0], StringComparison.Ordinal);
        Assert.StartsWith("aurora_frame,site=gill,imager=themis19,label=cloudy,model=m1,ut_hour=06,sky=unknown ", text[1], StringComparison.Ordinal);
        Assert.Contains(",class=\"cloudy\",aurora=0i ", text[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task FramePoint_SkyTagsSunMoonAndUncertainty_RoundTripThroughRealInfluxDb()
    {
        using var server = new InfluxServer();
        server.Execute("CREATE DATABASE aurora");
        var connection = new InfluxConnectionOptions { Url = server.Url, Database = "aurora" };
        var t0 = 1_394_431_200_000_000_000L;   // 2014-03-10 06:00 UT
        var gillam = SkyEphemeris.At(56.376, -94.64, new DateTime(2014, 3, 10, 6, 0, 0, DateTimeKind.Utc));
        var gakona = SkyEphemeris.At(62.407, -145.158, new DateTime(2011, 1, 6, 17, 0, 30, DateTimeKind.Utc));
        float[] arc = [0.7f, 0.1f, 0.05f, 0.05f, 0.05f, 0.05f];
        ClassifiedFrame[] frames =
        [
            new("gill", "themis19", t0, "m1", new FramePrediction(arc, oodScore: 1.5, oodThreshold: 4), new FrameOrigin("f", 0), gillam),
            new("gill", "themis19", t0 + 3_000_000_000L, "m1", new FramePrediction(arc, oodScore: 9.25, oodThreshold: 4), new FrameOrigin("f", 1), gillam),
            new("gako", "themis08", t0 + 6_000_000_000L, "m1", new FramePrediction(arc), new FrameOrigin("f", 2), gakona),
            new("zzzz", "themis99", t0 + 9_000_000_000L, "m1", new FramePrediction(arc), new FrameOrigin("f", 3)),
        ];
        await using (var sink = new InfluxPredictionSink(connection))
        {
            Assert.Null((await sink.WriteAsync(frames, [])).Rejected);
        }

        using var query = new InfluxQueryClient(connection);
        var series = await query.QueryAsync("SELECT \"label\", \"sky\", \"class\", \"aurora\", \"sun_elevation\", \"moon_elevation\", \"moon_illumination\", \"ood_score\", \"uncertain_reason\", \"p_arc\" FROM \"aurora_frame\"").ToListAsync();
        var s = Assert.Single(series);
        var rows = s.Values.Select(r => s.Columns.Select((c, i) => (c, r[i])).ToDictionary(x => x.c, x => x.Item2)).ToList();
        Assert.Equal(4, rows.Count);

        Assert.Equal(("arc", "dark", 1L), (rows[0]["label"].GetString(), rows[0]["sky"].GetString(), rows[0]["aurora"].GetInt64()));
        Assert.Equal(-37.05, rows[0]["sun_elevation"].GetDouble(), 0.05);
        Assert.Equal(28.4, rows[0]["moon_elevation"].GetDouble(), 0.1);
        Assert.Equal(0.66, rows[0]["moon_illumination"].GetDouble(), 0.01);
        Assert.Equal(1.5, rows[0]["ood_score"].GetDouble());

        // Uncertain: label and class say so, the six probabilities stay, no aurora indicator.
        Assert.Equal(("uncertain", "uncertain"), (rows[1]["label"].GetString(), rows[1]["class"].GetString()));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, rows[1]["aurora"].ValueKind);
        Assert.Equal(0.7, rows[1]["p_arc"].GetDouble(), 6);
        Assert.Equal(9.25, rows[1]["ood_score"].GetDouble());
        Assert.Equal("out-of-distribution", rows[1]["uncertain_reason"].GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, rows[0]["uncertain_reason"].ValueKind);

        // The Gakona example, apparent elevations: sun -11.1, moon -16.3, 5% lit.
        Assert.Equal("twilight", rows[2]["sky"].GetString());
        Assert.Equal(-11.1, rows[2]["sun_elevation"].GetDouble(), 0.05);
        Assert.Equal(-16.3, rows[2]["moon_elevation"].GetDouble(), 0.3);
        Assert.Equal(0.05, rows[2]["moon_illumination"].GetDouble(), 0.01);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, rows[2]["ood_score"].ValueKind);

        // Unknown site: sky=unknown and no sun or moon fields.
        Assert.Equal("unknown", rows[3]["sky"].GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, rows[3]["sun_elevation"].ValueKind);

        var dark = await query.QueryAsync("SELECT count(\"p_arc\") FROM \"aurora_frame\" WHERE \"sky\" = 'dark'").ToListAsync();
        Assert.Equal(2L, dark.Single().Values.Single()[1].GetInt64());
    }

    [Fact]
    public async Task FileStore_LabelsCsv_CarriesSkySunMoonAndOodColumns()
    {
        using var temp = new TempFolder();
        var sky = SkyEphemeris.At(62.407, -145.158, new DateTime(2011, 1, 6, 17, 0, 30, DateTimeKind.Utc));
        await using (var sink = new FilePredictionSink(temp.Path))
        {
            await sink.WriteAsync(
                [
                    new ClassifiedFrame("gako", "themis08", 1_294_333_230_000_000_000L, "m1", new FramePrediction([0.7f, 0.1f, 0.05f, 0.05f, 0.05f, 0.05f], 9.5, 4), new FrameOrigin("f", 0), sky),
                    new ClassifiedFrame("zzzz", "themis99", 1_294_333_233_000_000_000L, "m1", new FramePrediction([0.7f, 0.1f, 0.05f, 0.05f, 0.05f, 0.05f]), new FrameOrigin("f", 1)),
                ],
                []);
        }

        var lines = File.ReadAllLines(Path.Combine(temp.Path, "labels.csv"));
        Assert.Equal("time,site,label,confidence,sky,sun_elevation,moon_elevation,moon_illumination,ood_score,model", lines[0]);
        Assert.StartsWith("2011-01-06T17:00:30.000000Z,gako,uncertain,0.7,twilight,-11.1", lines[1], StringComparison.Ordinal);
        Assert.EndsWith(",9.5,m1", lines[1], StringComparison.Ordinal);
        Assert.Equal("2011-01-06T17:00:33.000000Z,zzzz,arc,0.7,unknown,,,,,m1", lines[2]);
        var lp = File.ReadAllText(Path.Combine(temp.Path, "aurora.lp"));
        Assert.Contains(",sky=twilight ", lp, StringComparison.Ordinal);
        Assert.Contains("label=uncertain", lp, StringComparison.Ordinal);
    }

    [Fact]
    public void Builder_RefusesWhatLineProtocolCannotCarry()
    {
        Assert.Contains("line break", Assert.Throws<ArgumentException>(() => new LineBuilder().Measurement("m").Tag("site", "a\nb")).Message, StringComparison.Ordinal);
        Assert.Contains("backslash", Assert.Throws<ArgumentException>(() => new LineBuilder().Measurement("m").Tag("site", "a\\")).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new LineBuilder().Measurement("m").Field("p", double.NaN));
        Assert.Throws<InvalidOperationException>(() => new LineBuilder().Measurement("m").Timestamp(1));
        Assert.Equal("m,a=1 f=1.5 7\n", new LineBuilder().Measurement("m").Tag("empty", string.Empty).Tag("a", "1").Field("f", 1.5).Timestamp(7).ToString());
    }

    [Fact]
    public async Task Points_WrittenTwiceToRealInfluxDb_AreOnePointEach_AndABadPointIsRejectedWithTheServerMessage()
    {
        using var server = new InfluxServer();
        server.Execute("CREATE DATABASE aurora");
        var sink = new InfluxPredictionSink(new InfluxConnectionOptions { Url = server.Url, Database = "aurora" });
        await using (sink)
        {
            float[] p = [0.7f, 0.1f, 0.05f, 0.05f, 0.05f, 0.05f];
            var frames = Enumerable.Range(0, 5).Select(i => new ClassifiedFrame("gill", "themis19", 1_394_431_200_000_000_000 + (i * 3_000_000_000L), "m1", new FramePrediction(p), new FrameOrigin("f", i))).ToList();
            var events = new List<AuroraEvent> { new("gill", "themis19", frames[3].CaptureTimeUnixNanoseconds, "m1", AuroraEventKind.Onset, AuroraClass.Clear, AuroraClass.Arc, 0.85, 0.7) };

            Assert.Null((await sink.WriteAsync(frames, events)).Rejected);
            Assert.Null((await sink.WriteAsync(frames, events)).Rejected);

            using var query = new InfluxQueryClient(new InfluxConnectionOptions { Url = server.Url, Database = "aurora" });
            var series = await query.QueryAsync("SELECT count(p_arc) FROM aurora_frame; SELECT \"from\", \"to\", p_aurora FROM aurora_event WHERE kind = 'onset'").ToListAsync();
            Assert.Equal(5L, series[0].Values[0][1].GetInt64());
            Assert.Equal("clear|arc", $"{series[1].Values.Single()[1].GetString()}|{series[1].Values.Single()[2].GetString()}");

            // A field type conflict (p_arc is a float; here a string) is a 4xx: rejected, not retried.
            using var writer = new InfluxWriter(new InfluxConnectionOptions { Url = server.Url, Database = "aurora" });
            var outcome = await writer.WriteAsync("aurora_frame,site=gill p_arc=\"x\" 1394431200000000000\n");
            Assert.StartsWith("HTTP 400", outcome.Rejected, StringComparison.Ordinal);
            Assert.Contains("field type conflict", outcome.Rejected, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Writer_ServerErrors_RetriedWithBackoffUntilAccepted()
    {
        var handler = new Sequence(HttpStatusCode.ServiceUnavailable, HttpStatusCode.InternalServerError, HttpStatusCode.NoContent);
        var retries = new List<string>();
        using var writer = new InfluxWriter(
            new InfluxConnectionOptions { Url = new Uri("http://127.0.0.1:1/"), Database = "db", User = "u", Password = "secret" },
            new InfluxRetryOptions { BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(5), OnRetry = (n, why) => retries.Add($"{n} {why}") },
            handler);

        var outcome = await writer.WriteAsync("m f=1 1\n");

        Assert.Null(outcome.Rejected);
        Assert.Equal(["1 HTTP 503", "2 HTTP 500"], retries);
        Assert.Equal("http://127.0.0.1:1/write?db=db&precision=ns", handler.Requests[0]);
        Assert.DoesNotContain("secret", new InfluxConnectionOptions { Url = new Uri("http://h/"), User = "u", Password = "secret", Token = null }.ToString(), StringComparison.Ordinal);
    }

    private static (string Measurement, Dictionary<string, string> Tags, Dictionary<string, string> Fields, string Time) Parse(string line)
    {
        // Sections split at unescaped spaces outside string values, items at unescaped commas, keys
        // at the first unescaped '='; a backslash escapes only the characters the specification names.
        var sections = Split(line, ' ');
        var head = Split(sections[0], ',');
        var tags = head.Skip(1).Select(KeyValue).ToDictionary(kv => kv.Key, kv => Unescape(kv.Value, ",= "));
        var fields = Split(sections[1], ',').Select(KeyValue).ToDictionary(kv => kv.Key, kv => kv.Value.StartsWith('"') ? "\"" + Unescape(kv.Value[1..^1], "\"\\") + "\"" : kv.Value);
        return (Unescape(head[0], ", "), tags, fields, sections[2]);
    }

    private static List<string> Split(string text, char separator)
    {
        var parts = new List<string>();
        var start = 0;
        var inString = false;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && i + 1 < text.Length && (inString ? "\"\\" : ",= ").Contains(text[i + 1], StringComparison.Ordinal))
            {
                i++;
                continue;
            }

            if (text[i] == '"')
            {
                inString = !inString;
            }
            else if (!inString && text[i] == separator)
            {
                parts.Add(text[start..i]);
                start = i + 1;
            }
        }

        parts.Add(text[start..]);
        return parts;
    }

    private static KeyValuePair<string, string> KeyValue(string item)
    {
        for (var i = 0; i < item.Length; i++)
        {
            if (item[i] == '\\' && i + 1 < item.Length && ",= ".Contains(item[i + 1], StringComparison.Ordinal))
            {
                i++;
            }
            else if (item[i] == '=')
            {
                return new(Unescape(item[..i], ",= "), item[(i + 1)..]);
            }
        }

        throw new FormatException(item);
    }

    private static string Unescape(string text, string special)
    {
        var result = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && i + 1 < text.Length && special.Contains(text[i + 1], StringComparison.Ordinal))
            {
                i++;
            }

            result.Append(text[i]);
        }

        return result.ToString();
    }

    private sealed class Sequence(params HttpStatusCode[] codes) : HttpMessageHandler
    {
        private int _next;

        public List<string> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add(request.RequestUri!.ToString());
            return Task.FromResult(new HttpResponseMessage(codes[Math.Min(_next++, codes.Length - 1)]) { Content = new StringContent(string.Empty) });
        }
    }
}
