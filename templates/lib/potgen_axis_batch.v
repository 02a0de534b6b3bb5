// potgen_axis_batch: moves tlast from frame ends to batch ends, for AXI DMA (hand-written library).
// Part of potgen; copied verbatim into every design's board shell.
//
// A potgen design marks the end of every output frame with tlast. An AXI DMA receive (S2MM)
// transfer ends at the first tlast, so a host that sends a batch of N frames in one transfer
// would get only the first frame back. This module sits around the design's streams:
//   - it counts input beats into frames of IN_BEATS and remembers, per frame, whether the host
//     marked any of its beats with tlast (the DMA sends tlast on a transfer's last beat);
//   - on the design's output, it passes tlast only on the last beat of a frame that the host
//     marked, so the receive transfer ends with the batch.
// The marks wait in a queue of DEPTH frames: when DEPTH frames are in flight (entered but their
// output not yet finished), input is held off until one leaves. An output frame that ends before
// its input frame has (possible when a strided layer ignores the last pixels) waits for its mark.
//
// Parameters and their ranges (checked at elaboration; mechanism: see potgen_window.v):
//   IN_BEATS >= 1  input beats per frame
//   DEPTH          a power of two >= 2: frames in flight
`default_nettype none
module potgen_axis_batch #(
    parameter integer IN_BEATS = 16,
    parameter integer DEPTH    = 8
) (
    input  wire clk,
    input  wire rst_n,
    // host side of the input stream (data travels beside this module)
    input  wire host_in_valid,
    output wire host_in_ready,
    input  wire host_in_last,
    // design side of the input stream
    output wire design_in_valid,
    input  wire design_in_ready,
    // design side of the output stream
    input  wire design_out_valid,
    output wire design_out_ready,
    input  wire design_out_last,
    // host side of the output stream
    output wire host_out_valid,
    input  wire host_out_ready,
    output wire host_out_last
);
    localparam integer AW = $clog2(DEPTH);
    localparam integer CW = IN_BEATS > 1 ? $clog2(IN_BEATS) : 1;

    // ---------------------------------------------------------------- parameter checks
    generate
        if (IN_BEATS < 1) begin : g_bad_beats
            localparam integer potgen_axis_batch__IN_BEATS_must_be_at_least_1 = {IN_BEATS, $random};
            wire invalid = potgen_axis_batch__IN_BEATS_must_be_at_least_1[0];
        end
        if (DEPTH < 2 || (DEPTH & (DEPTH - 1)) != 0) begin : g_bad_depth
            localparam integer potgen_axis_batch__DEPTH_must_be_a_power_of_two_at_least_2 = {DEPTH, $random};
            wire invalid = potgen_axis_batch__DEPTH_must_be_a_power_of_two_at_least_2[0];
        end
    endgenerate

    reg [DEPTH-1:0] marks;      // per queued frame: the host ended a batch with it
    reg [AW-1:0]    wr_ptr;
    reg [AW-1:0]    rd_ptr;
    reg [AW:0]      queued;     // frames whose input has ended and whose output has not
    reg [AW:0]      in_flight;  // frames entered (even partly) and not yet out
    reg [CW-1:0]    beat;       // input beat within its frame
    reg             marked;     // a beat of the current input frame carried tlast

    wire full      = in_flight == DEPTH[AW:0];
    wire starting  = beat == {CW{1'b0}};
    // A new frame may start only with room in the queue; a started frame always finishes.
    wire in_open   = !(starting && full);
    wire in_fire   = host_in_valid && design_in_ready && in_open;
    wire frame_end = in_fire && beat == IN_BEATS[CW-1:0] - 1'b1;
    wire head_ok   = queued != {(AW + 1){1'b0}};
    // The last beat of an output frame waits until its input frame's mark is known.
    wire out_open  = !design_out_last || head_ok;
    wire out_fire  = design_out_valid && host_out_ready && out_open;
    wire frame_out = out_fire && design_out_last;

    assign design_in_valid  = host_in_valid && in_open;
    assign host_in_ready    = design_in_ready && in_open;
    assign host_out_valid   = design_out_valid && out_open;
    assign design_out_ready = host_out_ready && out_open;
    assign host_out_last    = design_out_last && marks[rd_ptr];

    always @(posedge clk) begin
        if (!rst_n) begin
            marks     <= {DEPTH{1'b0}};
            wr_ptr    <= {AW{1'b0}};
            rd_ptr    <= {AW{1'b0}};
            queued    <= {(AW + 1){1'b0}};
            in_flight <= {(AW + 1){1'b0}};
            beat      <= {CW{1'b0}};
            marked    <= 1'b0;
        end else begin
            if (in_fire) begin
                beat   <= frame_end ? {CW{1'b0}} : beat + 1'b1;
                marked <= frame_end ? 1'b0 : marked | host_in_last;
            end
            if (frame_end) begin
                marks[wr_ptr] <= marked | host_in_last;
                wr_ptr        <= wr_ptr + 1'b1;
            end
            if (frame_out) rd_ptr <= rd_ptr + 1'b1;
            queued    <= queued + {{AW{1'b0}}, frame_end} - {{AW{1'b0}}, frame_out};
            in_flight <= in_flight + {{AW{1'b0}}, in_fire && starting} - {{AW{1'b0}}, frame_out};
        end
    end
endmodule
`default_nettype wire
