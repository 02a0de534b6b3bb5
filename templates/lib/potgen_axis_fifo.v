// potgen_axis_fifo: first-word-fall-through FIFO for AXI4-Stream beats (hand-written library).
// Part of potgen; copied verbatim into every design.
//
// `count` is the number of beats held; the head beat is on m_data/m_last whenever m_valid is high.
// Storage is a plain array so that synthesis maps it to distributed RAM.
//
// Parameters and their ranges (checked at elaboration; mechanism: see potgen_window.v):
//   WIDTH >= 1   data bits per beat (tlast travels beside them)
//   DEPTH        a power of two >= 2: the pointers wrap by overflowing their log2(DEPTH) bits
`default_nettype none
module potgen_axis_fifo #(
    parameter integer WIDTH = 8,
    parameter integer DEPTH = 16
) (
    input  wire                       clk,
    input  wire                       rst_n,
    input  wire                       s_valid,
    output wire                       s_ready,
    input  wire [WIDTH-1:0]           s_data,
    input  wire                       s_last,
    output wire                       m_valid,
    input  wire                       m_ready,
    output wire [WIDTH-1:0]           m_data,
    output wire                       m_last,
    output wire [$clog2(DEPTH):0]     count
);
    localparam integer AW = $clog2(DEPTH);

    // ---------------------------------------------------------------- parameter checks
    generate
        if (WIDTH < 1) begin : g_bad_width
            localparam integer potgen_axis_fifo__WIDTH_must_be_at_least_1 = {WIDTH, $random};
            wire invalid = potgen_axis_fifo__WIDTH_must_be_at_least_1[0];
        end
        if (DEPTH < 2 || (DEPTH & (DEPTH - 1)) != 0) begin : g_bad_depth
            localparam integer potgen_axis_fifo__DEPTH_must_be_a_power_of_two_at_least_2 = {DEPTH, $random};
            wire invalid = potgen_axis_fifo__DEPTH_must_be_a_power_of_two_at_least_2[0];
        end
    endgenerate

    reg [WIDTH:0]  mem [0:DEPTH-1];
    reg [AW-1:0]   rd_ptr;
    reg [AW-1:0]   wr_ptr;
    reg [AW:0]     used;

    wire push = s_valid && s_ready;
    wire pop  = m_valid && m_ready;

    assign s_ready = used != DEPTH[AW:0];
    assign m_valid = used != {(AW + 1){1'b0}};
    assign {m_last, m_data} = mem[rd_ptr];
    assign count = used;

    always @(posedge clk) begin
        if (push) mem[wr_ptr] <= {s_last, s_data};
    end

    always @(posedge clk) begin
        if (!rst_n) begin
            rd_ptr <= {AW{1'b0}};
            wr_ptr <= {AW{1'b0}};
            used   <= {(AW + 1){1'b0}};
        end else begin
            if (push) wr_ptr <= wr_ptr + 1'b1;
            if (pop)  rd_ptr <= rd_ptr + 1'b1;
            case ({push, pop})
                2'b10:   used <= used + 1'b1;
                2'b01:   used <= used - 1'b1;
                default: used <= used;
            endcase
        end
    end
endmodule
`default_nettype wire
