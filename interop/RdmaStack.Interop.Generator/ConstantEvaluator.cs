using System.Globalization;

namespace RdmaStack.Interop.Generator;

/// <summary>
/// Evaluates the replacement list of an object-like macro when it is an integer constant expression: literals,
/// names of constants already known, parentheses, unary - ~ +, and binary | &amp; &lt;&lt; &gt;&gt; + -.
/// Anything else (casts, strings, calls) is not a constant the bindings carry.
/// </summary>
internal sealed class ConstantEvaluator(List<(int Kind, string Text)> tokens, IReadOnlyDictionary<string, long> known)
{
    private int _position;
    private bool _unsigned;

    public bool TryEvaluate(out long value, out bool isUnsigned)
    {
        _position = 0;
        _unsigned = false;
        isUnsigned = false;
        value = 0;
        try
        {
            value = Or();
            isUnsigned = _unsigned;
            return _position == tokens.Count;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private string? Peek => _position < tokens.Count ? tokens[_position].Text : null;

    private long Or()
    {
        long v = And();
        while (Peek == "|") { _position++; v |= And(); }
        return v;
    }

    private long And()
    {
        long v = Shift();
        while (Peek == "&") { _position++; v &= Shift(); }
        return v;
    }

    private long Shift()
    {
        long v = Additive();
        while (Peek is "<<" or ">>")
        {
            bool left = tokens[_position++].Text == "<<";
            int by = (int)Additive();
            v = left ? unchecked(v << by) : (_unsigned ? (long)((ulong)v >> by) : v >> by);
        }
        return v;
    }

    private long Additive()
    {
        long v = Unary();
        while (Peek is "+" or "-")
        {
            bool plus = tokens[_position++].Text == "+";
            v = plus ? unchecked(v + Unary()) : unchecked(v - Unary());
        }
        return v;
    }

    private long Unary()
    {
        switch (Peek)
        {
            case "-": _position++; return unchecked(-Unary());
            case "~": _position++; return ~Unary();
            case "+": _position++; return Unary();
            default: return Primary();
        }
    }

    private long Primary()
    {
        if (_position >= tokens.Count)
        {
            throw new FormatException("unexpected end");
        }
        var (kind, text) = tokens[_position++];
        if (text == "(")
        {
            long v = Or();
            if (Peek != ")")
            {
                throw new FormatException("missing )");
            }
            _position++;
            return v;
        }
        if (kind == LibClang.CXToken_Identifier && known.TryGetValue(text, out long constant))
        {
            return constant;
        }
        if (kind == LibClang.CXToken_Literal && text.Length > 0 && char.IsAsciiDigit(text[0]))
        {
            string digits = text.TrimEnd('u', 'U', 'l', 'L');
            if (digits.Length != text.Length && text[digits.Length..].Contains('u', StringComparison.OrdinalIgnoreCase))
            {
                _unsigned = true;
            }
            if (digits.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            {
                return unchecked((long)ulong.Parse(digits.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
            }
            if (digits.Length > 1 && digits[0] == '0')
            {
                return unchecked((long)Convert.ToUInt64(digits, 8));
            }
            return unchecked((long)ulong.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture));
        }
        throw new FormatException($"not a constant: {text}");
    }
}
