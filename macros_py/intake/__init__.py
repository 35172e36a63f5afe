"""Intake: an incoming document (quyết định khởi tố, lệnh tạm giữ, tạm giam, tin báo, thông báo thụ lý, bản án,
quyết định thi hành án) read into the facts a ledger row needs, confirmed by a person, then written once."""
