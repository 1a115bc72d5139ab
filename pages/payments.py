import streamlit as st
st.title('payments')
