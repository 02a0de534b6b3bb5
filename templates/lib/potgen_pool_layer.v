// potgen_pool_layer: streaming max pooling (hand-written library). Part of potgen.
//
// Streams as potgen_conv_layer: one beat = one pixel, C channels x AB unsigned bits, channel 0 in
// the low bits; tlast on the last output pixel of each frame.
//   y[oy][ox][c] = max over ky, kx < K of x[oy*S-PAD+ky][ox*S-PAD+kx][c]   (x = 0 in the padding)
// Zero padding is exact because the inputs are unsigned (they follow a ReLU).
// potgen_window walks the K*K taps of each output pixel, one per cycle, all channels at once; the
// running maximum is pushed into the output FIFO on the last tap.
// Pipeline: read (1) | compare into the FIFO (1).
`default_nettype none
module potgen_pool_layer #(
    parameter integer H          = 8,
    parameter integer W          = 8,
    parameter integer C          = 1,
    parameter integer AB         = 8,
    parameter integer K          = 2,
    parameter integer S          = 2,
    parameter integer PAD        = 0,
    parameter integer R          = 8,
    parameter integer FIFO_DEPTH = 4
) (
    input  wire            clk,
    input  wire            rst_n,
    input  wire [C*AB-1:0] s_axis_tdata,
    input  wire            s_axis_tvalid,
    output wire            s_axis_tready,
    output wire [C*AB-1:0] m_axis_tdata,
    output wire            m_axis_tvalid,
    input  wire            m_axis_tready,
    output wire            m_axis_tlast
);
    localparam integer QB = $clog2(FIFO_DEPTH) + 1;

    wire [QB-1:0]   fifo_count;
    wire            push;
    wire            valid, first, last, frame_last;
    wire [C*AB-1:0] data;

    /* verilator lint_off PINCONNECTEMPTY */
    potgen_window #(
        .H(H), .W(W), .C(C), .AB(AB), .K(K), .S(S), .PAD(PAD), .SIMD(C), .OUTER(1),
        .R(R), .FIFO_DEPTH(FIFO_DEPTH)
    ) u_window (
        .clk             (clk),
        .rst_n           (rst_n),
        .s_axis_tdata    (s_axis_tdata),
        .s_axis_tvalid   (s_axis_tvalid),
        .s_axis_tready   (s_axis_tready),
        .fifo_count      (fifo_count),
        .pixel_done      (push),
        .step_issue      (),            // no ROM to address
        .step_index      (),
        .step_valid      (valid),
        .step_data       (data),        // zeros in the padding
        .step_pad        (),
        .step_first      (first),
        .step_last       (last),
        .step_outer      (),
        .step_pixel_last (),            // = step_last: one accumulation per pixel
        .step_frame_last (frame_last)
    );
    /* verilator lint_on PINCONNECTEMPTY */

    reg  [C*AB-1:0] best;
    wire [C*AB-1:0] merged;
    genvar c;
    generate
        for (c = 0; c < C; c = c + 1) begin : g_channel
            wire [AB-1:0] x = data[c*AB +: AB];
            wire [AB-1:0] b = best[c*AB +: AB];
            assign merged[c*AB +: AB] = (first || x > b) ? x : b;
        end
    endgenerate

    always @(posedge clk) begin
        if (valid) best <= merged;
    end
    assign push = valid && last;

    /* verilator lint_off PINCONNECTEMPTY */
    potgen_axis_fifo #(.WIDTH(C*AB), .DEPTH(FIFO_DEPTH)) u_out (
        .clk     (clk),
        .rst_n   (rst_n),
        .s_valid (push),
        .s_ready (),                    // always ready for a push: the window holds credits
        .s_data  (merged),
        .s_last  (frame_last),
        .m_valid (m_axis_tvalid),
        .m_ready (m_axis_tready),
        .m_data  (m_axis_tdata),
        .m_last  (m_axis_tlast),
        .count   (fifo_count)
    );
    /* verilator lint_on PINCONNECTEMPTY */
endmodule
`default_nettype wire
