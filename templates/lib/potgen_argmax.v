// potgen_argmax: index of the largest of N values (hand-written library). Part of potgen.
//
// In: one beat of N values x AB bits (value 0 in the low bits), signed when SIGNED = 1.
// Out: one beat holding the index of the largest value, the lowest index on ties (the reference
// model's rule), zero-extended to OB bits; tlast on every beat (one result per frame).
// The comparison chain is combinational into an output register with a one-beat handshake.
//
// Parameters and their ranges (checked at elaboration; mechanism: see potgen_window.v):
//   N >= 1 values of AB bits: AB >= 1 unsigned, AB >= 2 signed;  SIGNED 0 or 1
//   OB       1..32 and 2^OB >= N, so that the largest index, N - 1, fits
`default_nettype none
module potgen_argmax #(
    parameter integer N      = 10,
    parameter integer AB     = 8,
    parameter integer SIGNED = 1,
    parameter integer OB     = 8
) (
    input  wire            clk,
    input  wire            rst_n,
    input  wire [N*AB-1:0] s_axis_tdata,
    input  wire            s_axis_tvalid,
    output wire            s_axis_tready,
    output reg  [OB-1:0]   m_axis_tdata,
    output reg             m_axis_tvalid,
    input  wire            m_axis_tready,
    output wire            m_axis_tlast
);
    // ---------------------------------------------------------------- parameter checks
    generate
        if (N < 1 || AB < 1) begin : g_bad_size
            localparam integer potgen_argmax__N_and_AB_must_be_at_least_1 = {N, AB, $random};
            wire invalid = potgen_argmax__N_and_AB_must_be_at_least_1[0];
        end
        if (SIGNED != 0 && SIGNED != 1) begin : g_bad_signed
            localparam integer potgen_argmax__SIGNED_must_be_0_or_1 = {SIGNED, $random};
            wire invalid = potgen_argmax__SIGNED_must_be_0_or_1[0];
        end
        if (SIGNED == 1 && AB < 2) begin : g_bad_signed_ab
            localparam integer potgen_argmax__AB_must_be_at_least_2_when_SIGNED = {AB, $random};
            wire invalid = potgen_argmax__AB_must_be_at_least_2_when_SIGNED[0];
        end
        if (OB < 1 || OB > 32 || (N > 1 && OB < $clog2(N))) begin : g_bad_ob
            localparam integer potgen_argmax__OB_must_be_1_to_32_and_hold_N_minus_1 = {OB, N, $random};
            wire invalid = potgen_argmax__OB_must_be_1_to_32_and_hold_N_minus_1[0];
        end
    endgenerate

    // Compare with the sign bit flipped: signed order becomes unsigned order.
    localparam [AB-1:0] FLIP = (SIGNED != 0) ? {1'b1, {(AB - 1){1'b0}}} : {AB{1'b0}};

    reg [OB-1:0] index;
    reg [AB-1:0] best;
    integer i;
    always @* begin
        index = {OB{1'b0}};
        best  = s_axis_tdata[AB-1:0] ^ FLIP;
        for (i = 1; i < N; i = i + 1) begin
            if ((s_axis_tdata[i*AB +: AB] ^ FLIP) > best) begin
                best  = s_axis_tdata[i*AB +: AB] ^ FLIP;
                index = i[OB-1:0];
            end
        end
    end

    assign s_axis_tready = !m_axis_tvalid || m_axis_tready;
    assign m_axis_tlast  = 1'b1;

    always @(posedge clk) begin
        if (!rst_n) begin
            m_axis_tvalid <= 1'b0;
        end else if (s_axis_tready) begin
            m_axis_tvalid <= s_axis_tvalid;
        end
        if (s_axis_tvalid && s_axis_tready) m_axis_tdata <= index;
    end
endmodule
`default_nettype wire
